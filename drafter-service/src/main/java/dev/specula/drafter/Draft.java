package dev.specula.drafter;

import dev.specula.engine.sample.SparseDistribution;

import java.util.List;

/**
 * A block of draft tokens as the drafter made it, before it goes on the wire.
 *
 * @param base      where the first token goes: the length of the sequence it was drafted from
 * @param epoch     the epoch it was drafted in
 * @param tokens    the draft tokens, at least one
 * @param q         per token, the distribution it was sampled from; empty when greedy
 * @param predicted the token the drafter expects after a fully accepted block, or {@link #NO_PREDICTION}
 * @param draftMs   milliseconds spent drafting it
 */
record Draft(int base, int epoch, int[] tokens, List<SparseDistribution> q, int predicted, double draftMs) {

    /** {@link #predicted} when the block carries no prediction (not drafting ahead, or at the length limit). */
    static final int NO_PREDICTION = -1;

    Draft {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens: empty (expected: at least one draft token)");
        }
        if (!q.isEmpty() && q.size() != tokens.length) {
            throw new IllegalArgumentException("q: " + q.size() + " distributions for " + tokens.length
                    + " tokens (expected: one per token, or none when greedy)");
        }
        q = List.copyOf(q);
    }

    int size() {
        return tokens.length;
    }

    boolean hasPrediction() {
        return predicted != NO_PREDICTION;
    }

    /** The position right after the block: where the predicted token goes. */
    int end() {
        return base + tokens.length;
    }
}
