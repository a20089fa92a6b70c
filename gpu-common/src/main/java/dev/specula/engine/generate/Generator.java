package dev.specula.engine.generate;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * Target-only autoregressive generation: prefill the prompt, then sample one token per forward step, each drawn
 * at its sequence position ({@link Sampler#sample(float[], SamplingParams, int)}), as speculative decoding
 * draws it, so both give the same tokens for the same seed.
 */
public final class Generator {

    /** Receives each generated token and the text it completes (empty while a character is unfinished). */
    @FunctionalInterface
    public interface TokenListener {
        void onToken(int token, String textDelta);
    }

    private final Transformer model;
    private final Tokenizer tokenizer;
    private final Sampler sampler = new Sampler();

    public Generator(Transformer model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * The prompt's tokens, after BOS where the model asks for it ({@code tokenizer.ggml.add_bos_token}: Llama,
     * Mistral and Specula's own models do, Qwen does not); an empty prompt is BOS alone, whatever the model asks,
     * since generation needs a token to start from.
     */
    public int[] promptTokens(String prompt) {
        int[] encoded = tokenizer.encode(prompt);
        if (encoded.length > 0 && !tokenizer.addsBos()) {
            return encoded;
        }
        int[] tokens = new int[encoded.length + 1];
        tokens[0] = tokenizer.bosId();
        System.arraycopy(encoded, 0, tokens, 1, encoded.length);
        return tokens;
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt}, stopping early at EOS, at BOS (which
     * delimits documents in llama2.c-trained models) or when the context is full.
     */
    public GenerationResult generate(String prompt, int maxTokens, SamplingParams params, TokenListener listener) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: > 0)");
        }
        int[] prompted = promptTokens(prompt);
        if (prompted.length >= model.config().contextLength()) {
            throw new IllegalArgumentException("prompt: " + prompted.length + " tokens (expected: fewer than the context length "
                    + model.config().contextLength() + ")");
        }
        Utf8Stream text = new Utf8Stream();
        StringBuilder completion = new StringBuilder();
        int[] generated = new int[maxTokens];
        int count = 0;
        GenerationResult.StopReason stop = GenerationResult.StopReason.MAX_TOKENS;
        try (InferenceSession session = model.newSession()) {
            long start = System.nanoTime();
            float[] logits = session.forwardLast(prompted);
            long prefillNanos = System.nanoTime() - start;
            start = System.nanoTime();
            int steps = 0;
            while (true) {
                int next = sampler.sample(logits, params, prompted.length + count);
                if (next == tokenizer.eosId() || next == tokenizer.bosId()) {
                    stop = GenerationResult.StopReason.END_OF_SEQUENCE;
                    break;
                }
                generated[count++] = next;
                String delta = text.push(tokenizer.tokenBytes(next));
                completion.append(delta);
                listener.onToken(next, delta);
                if (count == maxTokens) {
                    break;
                }
                if (session.position() == session.capacity()) {
                    stop = GenerationResult.StopReason.CONTEXT_FULL;
                    break;
                }
                logits = session.step(next);
                steps++;
            }
            long decodeNanos = System.nanoTime() - start;
            String rest = text.flush();
            completion.append(rest);
            if (!rest.isEmpty()) {
                listener.onToken(-1, rest);
            }
            return new GenerationResult(prompted, Arrays.copyOf(generated, count), completion.toString(), stop,
                    prefillNanos, decodeNanos, steps);
        }
    }
}
