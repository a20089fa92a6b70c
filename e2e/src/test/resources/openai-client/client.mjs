// Drives Specula's OpenAI-compatible API with the official openai package, as a user's program would, and
// prints one JSON object with what it saw. Usage: node client.mjs BASE_URL PROMPT MAX_TOKENS
import OpenAI from 'openai';

const [baseURL, prompt, maxTokensText] = process.argv.slice(2);
const maxTokens = Number(maxTokensText);
const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
const messages = [{ role: 'user', content: prompt }];
const out = {};

out.models = (await client.models.list()).data.map((m) => m.id);

const chat = await client.chat.completions.create({ model: out.models[0], messages, temperature: 0, max_tokens: maxTokens });
out.chat = { text: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage, specula: chat.specula };

let streamed = '';
let usage = null;
let chunks = 0;
const stream = await client.chat.completions.create({
  messages, temperature: 0, max_completion_tokens: maxTokens, stream: true, stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  chunks++;
  if (chunk.choices.length > 0) streamed += chunk.choices[0].delta.content ?? '';
  if (chunk.usage) usage = chunk.usage;
}
out.chatStream = { text: streamed, usage, chunks };

const completion = await client.completions.create({ model: out.models[0], prompt, temperature: 0, max_tokens: maxTokens });
out.completion = { text: completion.choices[0].text, usage: completion.usage };

let completionStreamed = '';
for await (const chunk of await client.completions.create({ prompt, temperature: 0, max_tokens: maxTokens, stream: true })) {
  completionStreamed += chunk.choices[0]?.text ?? '';
}
out.completionStream = { text: completionStreamed };

async function failure(call) {
  try {
    await call();
    return { thrown: false };
  } catch (e) {
    return { thrown: true, apiError: e instanceof OpenAI.APIError, status: e.status, param: e.param ?? null,
             type: e.type ?? null, code: e.code ?? null, message: e.message };
  }
}
out.badTemperature = await failure(() => client.chat.completions.create({ messages, temperature: -1 }));
out.unknownModel = await failure(() => client.chat.completions.create({ model: 'no-such-model', messages }));
out.twoChoices = await failure(() => client.completions.create({ prompt, n: 2 }));

console.log(JSON.stringify(out));
