// The official openai package against a router with TLS and bearer tokens: one completion with the right key,
// one refused call with a wrong one; prints one JSON object. Usage: node secured-client.mjs BASE_URL API_KEY
// PROMPT MAX_TOKENS (the router's CA comes from NODE_EXTRA_CA_CERTS).
import OpenAI from 'openai';

const [baseURL, apiKey, prompt, maxTokensText] = process.argv.slice(2);
const out = {};
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const completion = await client.completions.create({ prompt, temperature: 0, max_tokens: Number(maxTokensText) });
out.completion = { text: completion.choices[0].text, usage: completion.usage };
try {
  await new OpenAI({ baseURL, apiKey: 'wrong-key', maxRetries: 0 }).models.list();
  out.wrongKey = { thrown: false };
} catch (e) {
  out.wrongKey = { thrown: true, authenticationError: e instanceof OpenAI.AuthenticationError, status: e.status,
                   code: e.code ?? null, type: e.type ?? null, message: e.message };
}
console.log(JSON.stringify(out));
