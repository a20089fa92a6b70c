package dev.specula.engine.model;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What the benchmarks measure on one session: prefill speed, decode speed, and the time to verify a block of
 * k drafts (k + 1 positions in one pass) for k = 1..maxK, on synthetic tokens after a warm-up that runs every
 * code path once (JIT, first kernel launches).
 *
 * @param prefillTokensPerSecond prompt tokens per second of one prefill
 * @param decodeTokensPerSecond  decode steps per second over all timed steps
 * @param medianStepNanos        the median decode step
 * @param verifyMedianNanos      {@code [maxK]}: the median time to verify a block of k = index + 1 drafts
 */
public record SessionTimings(double prefillTokensPerSecond, double decodeTokensPerSecond, double medianStepNanos,
                             double[] verifyMedianNanos) {

    /** Positions a measurement needs in the session's context. */
    public static int positionsNeeded(int promptTokens, int decodeTokens, int maxK) {
        return promptTokens + decodeTokens + maxK + 1;
    }

    /**
     * Measures {@code session} (empty, with room for {@link #positionsNeeded}), telling {@code progress} what it
     * is doing; leaves the session holding the prompt and the decoded tokens.
     */
    public static SessionTimings measure(InferenceSession session, int promptTokens, int decodeTokens, int maxK,
                                         int repeats, Consumer<String> progress) {
        int vocab = session.model().config().vocabSize();
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = syntheticToken(i, vocab);
        }
        progress.accept("warm-up");
        session.forwardLast(prompt);
        for (int i = 0; i < decodeTokens; i++) {
            session.step(syntheticToken(i, vocab));
        }
        for (int k = 1; k <= maxK; k++) { // every batch size's code path runs once before it is timed
            int before = session.position();
            session.forwardAll(Arrays.copyOf(prompt, k + 1));
            session.truncate(before);
        }
        session.truncate(0);
        progress.accept("prefill of " + promptTokens + " tokens");
        long start = System.nanoTime();
        session.forwardLast(prompt);
        double prefill = promptTokens / ((System.nanoTime() - start) / 1e9);
        progress.accept(decodeTokens + " decode steps");
        long[] steps = new long[decodeTokens];
        for (int i = 0; i < decodeTokens; i++) {
            long t = System.nanoTime();
            session.step(syntheticToken(promptTokens + i, vocab));
            steps[i] = System.nanoTime() - t;
        }
        double decode = decodeTokens / (Arrays.stream(steps).sum() / 1e9);
        double[] verify = new double[maxK];
        int base = session.position();
        for (int k = 1; k <= maxK; k++) {
            progress.accept("verify blocks of k = " + k);
            int[] block = new int[k + 1];
            for (int i = 0; i <= k; i++) {
                block[i] = syntheticToken(base + i, vocab);
            }
            long[] times = new long[repeats];
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                session.forwardAll(block);
                times[r] = System.nanoTime() - t;
                session.truncate(base);
            }
            verify[k - 1] = median(times);
        }
        return new SessionTimings(prefill, decode, median(steps), verify);
    }

    /** Verifying a block of {@code k} drafts, in decode steps. */
    public double verifyInSteps(int k) {
        return verifyMedianNanos[k - 1] / medianStepNanos;
    }

    private static int syntheticToken(int i, int vocab) {
        return 3 + (int) ((i * 7919L) % (vocab - 3));
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
