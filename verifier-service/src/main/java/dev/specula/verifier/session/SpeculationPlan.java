package dev.specula.verifier.session;

import dev.specula.engine.model.BatchedForward;

/**
 * How a session speculates.
 *
 * @param mode           whether and how the draft length adapts
 * @param draftLength    the fixed draft length ({@link Mode#FIXED}) or the starting one ({@link Mode#AUTO}), in
 *                       [1, maxDraftLength]
 * @param maxDraftLength the largest draft length, in [1, 16]
 * @param draftAhead     whether the drafter drafts the next block while one is being verified
 */
public record SpeculationPlan(Mode mode, int draftLength, int maxDraftLength, boolean draftAhead) {

    /** The largest draft length the protocol allows: the engine's, so a full block verifies in one pass. */
    public static final int MAX_DRAFT_LENGTH = BatchedForward.MAX_DRAFT_LENGTH;

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
        if (maxDraftLength < 1 || maxDraftLength > MAX_DRAFT_LENGTH) {
            throw new IllegalArgumentException("speculation.max_draft_length: " + maxDraftLength
                    + " (expected: 1.." + MAX_DRAFT_LENGTH + ")");
        }
        if (draftLength < 1 || draftLength > maxDraftLength) {
            throw new IllegalArgumentException("speculation.draft_length: " + draftLength + " (expected: 1.."
                    + maxDraftLength + ")");
        }
    }
}
