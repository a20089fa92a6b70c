package dev.specula.verifier.session;

import dev.specula.rpc.ProtocolLimits;

/**
 * How a session speculates.
 *
 * @param mode           whether and how the draft length adapts
 * @param draftLength    the fixed draft length ({@link Mode#FIXED}) or the starting one ({@link Mode#AUTO}), in
 *                       [1, maxDraftLength]
 * @param maxDraftLength the largest draft length, in [1, {@link ProtocolLimits#MAX_DRAFT_LENGTH}]
 * @param draftAhead     whether the drafter drafts the next block while one is being verified
 */
public record SpeculationPlan(Mode mode, int draftLength, int maxDraftLength, boolean draftAhead) {

    /** Whether and how a session speculates. */
    public enum Mode {
        /** Plain decoding only. */
        OFF,
        /** The verifier adapts the draft length, down to 0. */
        AUTO,
        /** Every block has the same draft length. */
        FIXED
    }

    public SpeculationPlan {
        if (maxDraftLength < 1 || maxDraftLength > ProtocolLimits.MAX_DRAFT_LENGTH) {
            throw new IllegalArgumentException("speculation.max_draft_length: " + maxDraftLength
                    + " (expected: 1.." + ProtocolLimits.MAX_DRAFT_LENGTH + ")");
        }
        if (draftLength < 1 || draftLength > maxDraftLength) {
            throw new IllegalArgumentException("speculation.draft_length: " + draftLength + " (expected: 1.."
                    + maxDraftLength + ")");
        }
    }
}
