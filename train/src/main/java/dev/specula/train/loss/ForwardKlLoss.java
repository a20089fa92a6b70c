package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;

/**
 * DistillSpec's forward KL (Zhou et al. 2023, "DistillSpec: Improving Speculative Decoding via Knowledge
 * Distillation", arXiv 2310.08461, building on Agarwal et al.'s generalized KD): per row
 * {@code KL(p || q) = sum_v p(v) (log p(v) - log q(v))} with {@code p = softmax(teacher / teacherTemperature)}
 * and {@code q = softmax(student)}, averaged over the counted rows.
 *
 * @param teacherTemperature the temperature applied to the teacher's logits only; 1 is what training uses
 */
public record ForwardKlLoss(double teacherTemperature) {

    /** Teacher temperature 1. */
    public static final ForwardKlLoss STANDARD = new ForwardKlLoss(1.0);

    public ForwardKlLoss {
        if (!(teacherTemperature > 0) || Double.isInfinite(teacherTemperature)) {
            throw new IllegalArgumentException("teacherTemperature: " + teacherTemperature
                    + " (expected: > 0 and finite)");
        }
    }

    /**
     * The mean forward KL in nats over the counted rows and its gradient with respect to the student's logits:
     * {@code (q - p) / counted} per counted row, zero for masked rows. With no counted row the loss is 0.
     *
     * @param studentLogits the draft's logits // [rows, vocab]
     * @param teacherLogits the target's logits // [rows, vocab]
     * @param mask          which rows count, or {@code null} for all // [rows]
     * @param rows          the number of rows, > 0
     * @param vocab         the vocabulary size, > 0
     * @param dLogits       overwritten with the gradient wrt the student's logits // [rows, vocab]
     * @return the mean KL(p || q) in nats, >= 0
     * @throws IllegalArgumentException on a shape mismatch
     */
    public double lossAndGradient(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows, int vocab,
            float[] dLogits) {
        return lossAndGradient(studentLogits, teacherLogits, mask, rows, vocab, dLogits, Workers.SERIAL);
    }

    /** As {@link #lossAndGradient(float[], float[], boolean[], int, int, float[])}, rows in parallel on {@code workers}. */
    public double lossAndGradient(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows, int vocab,
            float[] dLogits, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkLength("teacherLogits", teacherLogits, size);
        LogitRows.checkLength("dLogits", dLogits, size);
        LogitRows.checkMask(mask, rows);
        int counted = LogitRows.counted(mask, rows);
        double[] losses = new double[rows];
        int n = counted;
        LogitRows.forEachRow(workers, rows, vocab, (r, logq, logp) -> {
            if (!LogitRows.counts(mask, r)) {
                LogitRows.zeroRow(dLogits, r, vocab);
                return;
            }
            LogitRows.logSoftmax(studentLogits, r, vocab, 1.0, logq);
            LogitRows.logSoftmax(teacherLogits, r, vocab, 1.0 / teacherTemperature, logp);
            double kl = 0;
            int base = r * vocab;
            for (int v = 0; v < vocab; v++) {
                double p = Math.exp(logp[v]);
                // p log p -> 0 as p -> 0: an underflowed teacher probability adds nothing.
                kl += p == 0 ? 0 : p * (logp[v] - logq[v]);
                dLogits[base + v] = (float) ((Math.exp(logq[v]) - p) / n);
            }
            losses[r] = Math.max(0, kl);
        });
        return counted == 0 ? 0.0 : LogitRows.sum(losses) / counted;
    }
}
