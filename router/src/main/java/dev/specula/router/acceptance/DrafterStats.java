package dev.specula.router.acceptance;

/**
 * What the tracker has measured for one drafter on one route: exponential moving averages over sessions.
 *
 * @param sessions           sessions observed
 * @param acceptanceRate     EMA of the acceptance rate
 * @param meanAcceptedLength EMA of the mean accepted length
 * @param tokensPerSecond    EMA of the goodput, completion tokens per second
 * @param draftLength        EMA of the draft length the verifier settled on; 0 when it never drafted
 */
public record DrafterStats(long sessions, double acceptanceRate, double meanAcceptedLength,
                           double tokensPerSecond, double draftLength) {
}
