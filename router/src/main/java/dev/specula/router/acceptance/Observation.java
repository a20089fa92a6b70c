package dev.specula.router.acceptance;

import java.util.List;

/**
 * What one finished session measured, as the tracker learns from it: what the drafter controls (how much of
 * its drafts the target accepted, and what a drafted token cost relative to a target step), not end-to-end
 * tokens per second, which the machine's load and the prompt dominate.
 *
 * @param acceptanceRate     accepted / drafted draft tokens, in [0, 1]
 * @param meanAcceptedLength committed tokens per verification step (accepted + 1), >= 0
 * @param draftCostRatio     the drafter's milliseconds per drafted token over the target's milliseconds per
 *                           step, both as the verifier measured them in this session (so the machine's load
 *                           mostly cancels); 0 when nothing was drafted; see {@link #costRatio}
 * @param draftLengths       the draft length of every verification step in order (0 for plain decoding)
 */
public record Observation(double acceptanceRate, double meanAcceptedLength, double draftCostRatio,
                          List<Integer> draftLengths) {

    /** Validates the ranges. */
    public Observation {
        if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
            throw new IllegalArgumentException("acceptanceRate: " + acceptanceRate + " (expected: 0..1)");
        }
        if (!(meanAcceptedLength >= 0) || Double.isInfinite(meanAcceptedLength)) {
            throw new IllegalArgumentException("meanAcceptedLength: " + meanAcceptedLength + " (expected: finite, >= 0)");
        }
        if (!(draftCostRatio >= 0) || Double.isInfinite(draftCostRatio)) {
            throw new IllegalArgumentException("draftCostRatio: " + draftCostRatio + " (expected: finite, >= 0)");
        }
        draftLengths = List.copyOf(draftLengths);
    }

    /**
     * The draft cost ratio of a session: {@code draftingMs / drafted} over {@code forwardMs / steps}; 0 when
     * nothing was drafted or nothing was timed.
     */
    public static double costRatio(double draftingMs, int drafted, double forwardMs, int steps) {
        if (drafted <= 0 || steps <= 0 || !(forwardMs > 0) || !(draftingMs >= 0)) {
            return 0;
        }
        return (draftingMs / drafted) / (forwardMs / steps);
    }

    /**
     * Committed tokens per unit of target time, counting each drafted token as {@link #draftCostRatio} target
     * steps: {@code meanAcceptedLength / (1 + mean draft length × draftCostRatio)}. Above 1 the drafter
     * pays; between two drafters on one route (one target, one load), the higher one serves faster. It
     * counts a verification of k + 1 tokens as one target step, which flatters long drafts alike for every
     * drafter; the verifier's own policy picks k from the real costs.
     */
    public double expectedSpeedup() {
        double meanDraftLength = draftLengths.stream().mapToInt(Integer::intValue).average().orElse(0);
        return meanAcceptedLength / (1 + meanDraftLength * draftCostRatio);
    }

    /**
     * The draft length the verifier settled on: the mean of the non-zero draft lengths of the session's
     * second half (the verifier adapts k as it measures; the first steps say less); 0 when it never drafted.
     */
    public double settledDraftLength() {
        List<Integer> tail = draftLengths.subList(draftLengths.size() / 2, draftLengths.size());
        return tail.stream().filter(k -> k > 0).mapToInt(Integer::intValue).average().orElse(0);
    }
}
