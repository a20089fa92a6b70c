package dev.specula.cli.alignment;

import dev.specula.engine.spec.SpeculativeResult;

/**
 * Speculative generations pooled over a language's prompts, in the vLLM vocabulary: drafted and accepted draft
 * tokens, and verification steps (each commits the accepted drafts plus one recovered or bonus token).
 *
 * @param promptDigest the {@link PromptSet#digest()} of the prompts these generations ran on
 * @param generations  generations pooled
 * @param tokens       tokens generated
 * @param steps        verification steps
 * @param drafted      draft tokens proposed
 * @param accepted     draft tokens accepted
 * @param rejected     draft tokens rejected (the first failed draft of a step; later ones are never judged)
 */
public record AcceptanceStats(String promptDigest, int generations, long tokens, long steps, long drafted,
                              long accepted, long rejected) {

    /** No generation yet, on the prompts of {@code digest}. */
    public static AcceptanceStats empty(String digest) {
        return new AcceptanceStats(digest, 0, 0, 0, 0, 0, 0);
    }

    /** These plus {@code result}. */
    public AcceptanceStats plus(SpeculativeResult result) {
        return new AcceptanceStats(promptDigest, generations + 1, tokens + result.tokens().length,
                steps + result.steps(), drafted + result.drafted(), accepted + result.accepted(),
                rejected + result.rejected());
    }

    /** Accepted over drafted, pooled over prompts (not a mean of per-prompt rates). */
    public double acceptanceRate() {
        return drafted == 0 ? 0 : (double) accepted / drafted;
    }

    /** Accepted over judged drafts, accepted / (accepted + rejected): Leviathan et al.'s per-token α. */
    public double perTokenAcceptance() {
        return accepted + rejected == 0 ? 0 : (double) accepted / (accepted + rejected);
    }

    /** Tokens committed per verification step: (accepted + steps) / steps. */
    public double meanAcceptedLength() {
        return steps == 0 ? 0 : (double) (accepted + steps) / steps;
    }
}
