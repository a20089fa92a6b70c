package dev.specula.engine.spec;

/**
 * The outcome of one speculative generation.
 *
 * @param tokens   generated tokens, in order
 * @param steps    verification steps (target forward passes over a block)
 * @param drafted  draft tokens proposed
 * @param accepted draft tokens accepted
 * @param rejected draft tokens rejected: at most one per step, the first that failed; the drafts after it are
 *                 never judged
 */
public record SpeculativeResult(int[] tokens, int steps, int drafted, int accepted, int rejected) {

    /** Accepted over drafted. */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /**
     * Accepted over judged drafts, accepted / (accepted + rejected): the per-token acceptance rate α of Leviathan
     * et al., which does not count the drafts after a rejection as rejected.
     */
    public double perTokenAcceptance() {
        return accepted + rejected == 0 ? 0 : (double) accepted / (accepted + rejected);
    }

    /** Tokens committed per verification step: accepted + 1 per step (the vLLM convention). */
    public double meanAcceptedLength() {
        return steps == 0 ? 0 : (double) (accepted + steps) / steps;
    }
}
