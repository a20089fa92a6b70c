package dev.specula.engine.spec;

/**
 * The outcome of one speculative generation.
 *
 * @param tokens   generated tokens, in order
 * @param steps    verification steps (target forward passes over a block)
 * @param drafted  draft tokens proposed
 * @param accepted draft tokens accepted
 */
public record SpeculativeResult(int[] tokens, int steps, int drafted, int accepted) {

    /** Accepted over drafted. */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Tokens committed per verification step: accepted + 1 per step (the vLLM convention). */
    public double meanAcceptedLength() {
        return steps == 0 ? 0 : (double) (accepted + steps) / steps;
    }
}
