package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;

/**
 * Next-token cross-entropy {@code -log softmax(logits)[target]}, averaged over the rows whose target is not
 * {@link #IGNORE}.
 */
public final class CrossEntropyLoss {

    /** The target that leaves a row out of the loss and gives it zero gradient. */
    public static final int IGNORE = -1;

    private CrossEntropyLoss() {
    }

    /**
     * The mean cross-entropy in nats over the counted rows, and its gradient with respect to the logits:
     * {@code (softmax(logits[r]) - onehot(targets[r])) / counted} per counted row, zero elsewhere.
     * With no counted row the loss is 0 and the gradient zero.
     *
     * @param logits  the model's logits // [rows, vocab]
     * @param targets the next token of each row, or {@link #IGNORE} // [rows]
     * @param rows    the number of rows, > 0
     * @param vocab   the vocabulary size, > 0
     * @param dLogits overwritten with the gradient of the mean loss // [rows, vocab]
     * @return the mean loss in nats
     * @throws IllegalArgumentException on a shape mismatch or a target outside {@code [-1, vocab)}
     */
    public static double lossAndGradient(float[] logits, int[] targets, int rows, int vocab, float[] dLogits) {
        return lossAndGradient(logits, targets, rows, vocab, dLogits, Workers.SERIAL);
    }

    /** As {@link #lossAndGradient(float[], int[], int, int, float[])}, rows in parallel on {@code workers}. */
    public static double lossAndGradient(float[] logits, int[] targets, int rows, int vocab, float[] dLogits,
                                         Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("logits", logits, size);
        LogitRows.checkLength("dLogits", dLogits, size);
        if (targets == null) {
            throw new IllegalArgumentException("targets: null (expected: rows = " + rows + " entries)");
        }
        LogitRows.checkRows("targets", targets.length, rows);
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            if (targets[r] != IGNORE) {
                LogitRows.checkToken("targets", r, targets[r], vocab);
                counted++;
            }
        }
        double[] losses = new double[rows];
        int n = counted;
        LogitRows.forEachRow(workers, rows, vocab, (r, logq, unused) -> {
            if (targets[r] == IGNORE) {
                LogitRows.zeroRow(dLogits, r, vocab);
                return;
            }
            LogitRows.logSoftmax(logits, r, vocab, 1.0, logq);
            losses[r] = -logq[targets[r]];
            int base = r * vocab;
            for (int v = 0; v < vocab; v++) {
                double g = Math.exp(logq[v]) - (v == targets[r] ? 1.0 : 0.0);
                dLogits[base + v] = (float) (g / n);
            }
        });
        return counted == 0 ? 0.0 : LogitRows.sum(losses) / counted;
    }
}
