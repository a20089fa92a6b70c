package dev.specula.engine.generate;

/**
 * What one generation produced and how long it took.
 *
 * @param promptTokens BOS and the prompt's tokens
 * @param tokens       generated tokens, in order
 * @param text         their decoded text
 * @param stop         why generation ended
 * @param prefillNanos time of the prompt's forward pass
 * @param decodeNanos  time of the decoding loop
 * @param decodeSteps  single-token forward passes in the decoding loop
 */
public record GenerationResult(int[] promptTokens, int[] tokens, String text, StopReason stop, long prefillNanos,
                               long decodeNanos, int decodeSteps) {

    /** Why generation ended. */
    public enum StopReason { MAX_TOKENS, END_OF_SEQUENCE, CONTEXT_FULL }

    /** Prompt tokens per second of prefill. */
    public double prefillTokensPerSecond() {
        return promptTokens.length / (prefillNanos / 1e9);
    }

    /** Single-token forward passes per second while decoding (0 when there were none). */
    public double decodeTokensPerSecond() {
        return decodeSteps == 0 ? 0 : decodeSteps / (decodeNanos / 1e9);
    }
}
