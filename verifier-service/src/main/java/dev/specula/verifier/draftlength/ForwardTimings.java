package dev.specula.verifier.draftlength;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measured forward-pass times of the target, by load (sessions running on the verifier when the pass ran) and
 * by the number of positions the session ran in it (1 for a plain step, k + 1 to verify k drafts), as
 * exponential moving averages shared by every session of the server. The time is what the session waited, so
 * at a high load it includes the other sessions' rows in the same batched pass.
 *
 * <p>Estimates for what was never measured: a plain step at an unmeasured load is interpolated linearly between
 * measured loads; a pass of k + 1 positions costs the plain step at this load plus the extra that k + 1
 * positions cost over one at the nearest load where both were measured (so one verification measured at load 1
 * prices verification at load 64 until one is measured there), but never less than that extra at the lowest load
 * measured. At every load above the lowest measured one, measured or not, each position beyond the first costs at
 * least what one more session's row adds to a plain step there (from the plain steps at the two loads): on a
 * compute-bound target a draft position is a row like any other, which a noisy average of a few verifications in
 * a full batch must not make look free. Thread-safe.
 */
public final class ForwardTimings implements ForwardCost {

    /** Weight of a new measurement in its average. */
    static final double DECAY = 0.2;
    /** Loads above this share its row of the table. */
    static final int MAX_TRACKED_LOAD = 1024;

    private final double[][] average; // [maxLoad + 1][maxTokens + 1], NaN while unmeasured
    private final AtomicInteger sessions = new AtomicInteger();

    /** Tracks passes of 1 to {@code maxTokens} positions at loads of 1 to {@code maxLoad} sessions. */
    public ForwardTimings(int maxTokens, int maxLoad) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= 1)");
        }
        if (maxLoad < 1) {
            throw new IllegalArgumentException("maxLoad: " + maxLoad + " (expected: >= 1)");
        }
        average = new double[Math.min(maxLoad, MAX_TRACKED_LOAD) + 1][maxTokens + 1];
        for (double[] row : average) {
            Arrays.fill(row, Double.NaN);
        }
    }

    /** A session started: the load rises by one. */
    public void sessionStarted() {
        sessions.incrementAndGet();
    }

    /** A session ended: the load falls by one. */
    public void sessionEnded() {
        sessions.decrementAndGet();
    }

    /** Sessions running now, at least 1 (the one asking). */
    public int load() {
        return Math.max(1, sessions.get());
    }

    /** Records one pass of {@code tokens} positions of a session at {@code load} that took {@code millis}. */
    public synchronized void record(int load, int tokens, double millis) {
        int l = Math.clamp(load, 1, average.length - 1);
        if (tokens < 1 || tokens >= average[l].length || !(millis >= 0)) {
            return;
        }
        double[] row = average[l];
        row[tokens] = Double.isNaN(row[tokens]) ? millis : (1 - DECAY) * row[tokens] + DECAY * millis;
    }

    /** Whether a pass of {@code tokens} positions was measured at {@code load}. */
    public synchronized boolean measured(int load, int tokens) {
        int l = Math.clamp(load, 1, average.length - 1);
        return tokens >= 1 && tokens < average[l].length && !Double.isNaN(average[l][tokens]);
    }

    /**
     * The estimate for a pass of {@code tokens} positions at {@code load} (see the class comment); NaN when
     * nothing was measured.
     */
    @Override
    public synchronized double millis(int load, int tokens) {
        int l = Math.clamp(load, 1, average.length - 1);
        int n = Math.clamp(tokens, 1, average[l].length - 1);
        double plain = plain(l);
        if (n == 1) {
            return plain;
        }
        double pass = Double.isNaN(average[l][n]) ? estimate(l, n, plain) : average[l][n];
        // Each extra position is one more row in the batched pass: no cheaper than one more session's row.
        double floor = plain + (n - 1) * rowCost(l, plain);
        return Double.isNaN(floor) ? pass : Math.max(pass, floor);
    }

    /** A pass of {@code n} positions at load {@code l} where none was measured; NaN when no plain step was. */
    private double estimate(int l, int n, double plain) {
        if (Double.isNaN(plain)) {
            return plain;
        }
        double nearest = Double.NaN;
        for (int distance = 0; distance < average.length && Double.isNaN(nearest); distance++) {
            for (int candidate : new int[] {l - distance, l + distance}) {
                if (candidate >= 1 && candidate < average.length && hasExtra(average[candidate])) {
                    nearest = extra(candidate, n);
                    break;
                }
            }
        }
        if (Double.isNaN(nearest)) {
            return plain; // only plain steps measured: assume a longer pass costs the same (memory bound)
        }
        // Extra positions cost no less in a fuller batch than at the lowest load measured: a floor against a noisy
        // average near this load that would make verification look free.
        for (int lowest = 1; lowest < average.length; lowest++) {
            if (hasExtra(average[lowest])) {
                return plain + Math.max(nearest, extra(lowest, n));
            }
        }
        return plain + nearest;
    }

    /**
     * What one more session's row adds to a plain step at load {@code l}: the plain step's growth per session
     * from the lowest load measured below {@code l} (near a plain step's cost on a compute-bound target, near 0 on
     * a memory-bound one); 0 when no lower load was measured.
     */
    private double rowCost(int l, double plain) {
        for (int lower = 1; lower < l; lower++) {
            if (!Double.isNaN(average[lower][1])) {
                return Math.max(0, (plain - average[lower][1]) / (l - lower));
            }
        }
        return 0;
    }

    /** A plain step at load {@code l}: measured, else linear between (or beyond) the measured loads. */
    private double plain(int l) {
        double[] plainByLoad = new double[average.length];
        for (int i = 1; i < average.length; i++) {
            plainByLoad[i] = average[i][1];
        }
        plainByLoad[0] = Double.NaN;
        return along(plainByLoad, l);
    }

    /** What {@code n} positions cost over one at load {@code l}, at least 0. */
    private double extra(int l, int n) {
        return Math.max(0, along(average[l], n) - average[l][1]);
    }

    /** Whether a load's row has the plain step and at least one longer pass measured. */
    private static boolean hasExtra(double[] row) {
        if (Double.isNaN(row[1])) {
            return false;
        }
        for (int i = 2; i < row.length; i++) {
            if (!Double.isNaN(row[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code values[n]} where measured (index 0 unused), else linear between the nearest measured indices, or
     * extrapolated from the two nearest on one side (never below the cheaper of them); NaN when none is.
     */
    private static double along(double[] values, int n) {
        if (!Double.isNaN(values[n])) {
            return values[n];
        }
        int below = n - 1;
        while (below >= 1 && Double.isNaN(values[below])) {
            below--;
        }
        int above = n + 1;
        while (above < values.length && Double.isNaN(values[above])) {
            above++;
        }
        if (below >= 1 && above < values.length) {
            return line(values, below, above, n);
        }
        int[] known = new int[values.length];
        int count = 0;
        for (int i = 1; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                known[count++] = i;
            }
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (count == 1) {
            return values[known[0]];
        }
        return below >= 1 ? line(values, known[count - 2], known[count - 1], n) : line(values, known[0], known[1], n);
    }

    private static double line(double[] values, int a, int b, int n) {
        double slope = (values[b] - values[a]) / (b - a);
        double value = values[a] + slope * (n - a);
        return Math.max(value, Math.min(values[a], values[b]));
    }
}
