package dev.specula.router.acceptance;

/**
 * What the tracker has measured for one drafter on one route: exponential moving averages over sessions.
 *
 * @param sessions           sessions observed
 * @param acceptanceRate     EMA of the acceptance rate
 * @param meanAcceptedLength EMA of the mean accepted length
 * @param draftCostRatio     EMA of the drafter's cost per drafted token in target steps
 * @param expectedSpeedup    EMA of {@link Observation#expectedSpeedup()}, what the tracker ranks drafters by
 * @param draftLength        EMA of the draft length the verifier settled on; 0 when it never drafted
 */
public record DrafterStats(long sessions, double acceptanceRate, double meanAcceptedLength,
                           double draftCostRatio, double expectedSpeedup, double draftLength) {
}
