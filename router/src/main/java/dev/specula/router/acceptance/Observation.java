package dev.specula.router.acceptance;

import java.util.List;

/**
 * What one finished session measured, as the tracker learns from it.
 *
 * @param acceptanceRate     accepted / drafted draft tokens, in [0, 1]
 * @param meanAcceptedLength committed tokens per verification step (accepted + 1), >= 0
 * @param tokensPerSecond    completion tokens per second as the router measured them (the goodput), >= 0
 * @param draftLengths       the draft length of every verification step in order (0 for plain decoding)
 */
public record Observation(double acceptanceRate, double meanAcceptedLength, double tokensPerSecond,
                          List<Integer> draftLengths) {

    /** Validates the ranges. */
    public Observation {
        if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
            throw new IllegalArgumentException("acceptanceRate: " + acceptanceRate + " (expected: 0..1)");
        }
        if (!(meanAcceptedLength >= 0) || Double.isInfinite(meanAcceptedLength)) {
            throw new IllegalArgumentException("meanAcceptedLength: " + meanAcceptedLength + " (expected: finite, >= 0)");
        }
        if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException("tokensPerSecond: " + tokensPerSecond + " (expected: finite, >= 0)");
        }
        draftLengths = List.copyOf(draftLengths);
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
