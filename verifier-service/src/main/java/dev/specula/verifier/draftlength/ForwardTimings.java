package dev.specula.verifier.draftlength;

import java.util.Arrays;

/**
 * Measured forward-pass times of the target, by the number of positions a session runs in the pass
 * (1 for a plain step, k + 1 to verify k drafts), as exponential moving averages shared by every session of
 * the server. Sizes never measured are estimated by linear interpolation (or extrapolation) between the
 * measured ones. Thread-safe.
 */
public final class ForwardTimings implements ForwardCost {

    /** Weight of a new measurement in its average. */
    static final double DECAY = 0.2;

    private final double[] average; // [maxTokens + 1], NaN while unmeasured

    /** Tracks passes of 1 to {@code maxTokens} positions. */
    public ForwardTimings(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= 1)");
        }
        average = new double[maxTokens + 1];
        Arrays.fill(average, Double.NaN);
    }

    /** Records one pass of {@code tokens} positions that took {@code millis}. */
    public synchronized void record(int tokens, double millis) {
        if (tokens < 1 || tokens >= average.length || !(millis >= 0)) {
            return;
        }
        average[tokens] = Double.isNaN(average[tokens]) ? millis : (1 - DECAY) * average[tokens] + DECAY * millis;
    }

    /** Whether a pass of {@code tokens} positions was measured. */
    public synchronized boolean measured(int tokens) {
        return tokens >= 1 && tokens < average.length && !Double.isNaN(average[tokens]);
    }

    /**
     * The estimate for a pass of {@code tokens} positions: the average where measured, else linear between the
     * nearest measured sizes (never below the cheapest measured pass); NaN when nothing was measured.
     */
    @Override
    public synchronized double millis(int tokens) {
        int n = Math.clamp(tokens, 1, average.length - 1);
        if (!Double.isNaN(average[n])) {
            return average[n];
        }
        int below = n - 1;
        while (below >= 1 && Double.isNaN(average[below])) {
            below--;
        }
        int above = n + 1;
        while (above < average.length && Double.isNaN(average[above])) {
            above++;
        }
        if (below >= 1 && above < average.length) {
            return line(below, above, n);
        }
        int[] known = new int[average.length];
        int count = 0;
        for (int i = 1; i < average.length; i++) {
            if (!Double.isNaN(average[i])) {
                known[count++] = i;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (count == 1) {
            return average[known[0]]; // one size known: assume the pass costs the same (memory bound)
        }
        // Extrapolate from the two measured sizes nearest to n.
        return below >= 1 ? line(known[count - 2], known[count - 1], n) : line(known[0], known[1], n);
    }

    private double line(int a, int b, int n) {
        double slope = (average[b] - average[a]) / (b - a);
        double value = average[a] + slope * (n - a);
        return Math.max(value, Math.min(average[a], average[b]));
    }
}
