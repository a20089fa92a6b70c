package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;

/**
 * The exact total variation distance {@code TVD(p, q) = 1/2 sum_v |p(v) - q(v)|} between the target
 * {@code p = softmax(teacher)} and the draft {@code q = softmax(student)}, summed over the whole vocabulary,
 * averaged over the counted rows. {@code 1 - TVD} is speculative sampling's acceptance probability, so this
 * is the quantity {@link TvdPlusPlusLoss} estimates; with a small vocabulary it is cheap to compute exactly,
 * for reporting and as a check.
 *
 * <p>The subgradient through the softmax, per counted row, with {@code s_v = sign(q(v) - p(v))}:
 * {@code dTVD/dz_k = 1/2 q(k) (s_k - sum_v s_v q(v))}, divided by the counted rows. Where
 * {@code p(v) == q(v)} (a kink) it takes {@code s_v = 0}.
 */
public final class TotalVariationLoss {

    private TotalVariationLoss() {
    }

    /**
     * The mean exact TVD over the counted rows and its subgradient with respect to the student's logits.
     * With no counted row the loss is 0 and the gradient zero.
     *
     * @param studentLogits the draft's logits // [rows, vocab]
     * @param teacherLogits the target's logits // [rows, vocab]
     * @param mask          which rows count, or {@code null} for all // [rows]
     * @param rows          the number of rows, > 0
     * @param vocab         the vocabulary size, > 0
     * @param dLogits       overwritten with the subgradient, or {@code null} to compute the value only
     *                      // [rows, vocab]
     * @return the mean TVD, in [0, 1]
     * @throws IllegalArgumentException on a shape mismatch
     */
    public static double lossAndGradient(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows,
            int vocab, float[] dLogits) {
        return lossAndGradient(studentLogits, teacherLogits, mask, rows, vocab, dLogits, Workers.SERIAL);
    }

    /** As {@link #lossAndGradient(float[], float[], boolean[], int, int, float[])}, rows in parallel on {@code workers}. */
    public static double lossAndGradient(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows,
            int vocab, float[] dLogits, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkLength("teacherLogits", teacherLogits, size);
        if (dLogits != null) {
            LogitRows.checkLength("dLogits", dLogits, size);
        }
        LogitRows.checkMask(mask, rows);
        int counted = LogitRows.counted(mask, rows);
        double[] distances = new double[rows];
        int n = counted;
        LogitRows.forEachRow(workers, rows, vocab, (r, q, p) -> {
            if (!LogitRows.counts(mask, r)) {
                if (dLogits != null) {
                    LogitRows.zeroRow(dLogits, r, vocab);
                }
                return;
            }
            probabilities(studentLogits, r, vocab, q);
            probabilities(teacherLogits, r, vocab, p);
            double tvd = 0;
            double meanSign = 0;
            for (int v = 0; v < vocab; v++) {
                tvd += Math.abs(p[v] - q[v]);
                meanSign += Math.signum(q[v] - p[v]) * q[v];
            }
            distances[r] = 0.5 * tvd;
            if (dLogits != null) {
                int base = r * vocab;
                for (int v = 0; v < vocab; v++) {
                    dLogits[base + v] = (float) (0.5 * q[v] * (Math.signum(q[v] - p[v]) - meanSign) / n);
                }
            }
        });
        return counted == 0 ? 0.0 : LogitRows.sum(distances) / counted;
    }

    /** The mean exact TVD over the counted rows, without a gradient. */
    public static double value(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows, int vocab) {
        return value(studentLogits, teacherLogits, mask, rows, vocab, Workers.SERIAL);
    }

    /** The mean exact TVD, rows in parallel on {@code workers}. */
    public static double value(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows, int vocab,
            Workers workers) {
        return lossAndGradient(studentLogits, teacherLogits, mask, rows, vocab, null, workers);
    }

    /** Writes softmax(logits[row]) into {@code out}. */
    static void probabilities(float[] logits, int row, int vocab, double[] out) {
        LogitRows.logSoftmax(logits, row, vocab, 1.0, out);
        for (int v = 0; v < vocab; v++) {
            out[v] = Math.exp(out[v]);
        }
    }
}
