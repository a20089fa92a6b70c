package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;

import java.util.Arrays;

/**
 * Argument checks and the numerically stable log-softmax the losses share. Each loss reads logits as
 * {@code rows} rows of {@code vocab} floats, row-major, and works in double inside a row.
 */
final class LogitRows {

    private static final int CHUNK = 32;

    private LogitRows() {
    }

    /** Checks {@code rows > 0}, {@code vocab > 0} and that {@code rows * vocab} fits an array. */
    static int size(int rows, int vocab) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows: " + rows + " (expected: > 0)");
        }
        if (vocab <= 0) {
            throw new IllegalArgumentException("vocab: " + vocab + " (expected: > 0)");
        }
        long size = (long) rows * vocab;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rows * vocab: " + size + " (expected: <= " + (Integer.MAX_VALUE - 8)
                    + ")");
        }
        return (int) size;
    }

    /** Checks that {@code array} holds {@code size} = rows * vocab values. */
    static void checkLength(String name, float[] array, int size) {
        if (array == null) {
            throw new IllegalArgumentException(name + ": null (expected: rows * vocab = " + size + " values)");
        }
        if (array.length != size) {
            throw new IllegalArgumentException(name + ".length: " + array.length + " (expected: rows * vocab = "
                    + size + ")");
        }
    }

    /** Checks that a per-row array ({@code int[]} or {@code boolean[]}) has one entry per row. */
    static void checkRows(String name, int length, int rows) {
        if (length != rows) {
            throw new IllegalArgumentException(name + ".length: " + length + " (expected: rows = " + rows + ")");
        }
    }

    /** Checks an optional row mask; {@code null} means every row counts. */
    static void checkMask(boolean[] mask, int rows) {
        if (mask != null) {
            checkRows("mask", mask.length, rows);
        }
    }

    /** Whether row {@code r} counts under an optional mask. */
    static boolean counts(boolean[] mask, int r) {
        return mask == null || mask[r];
    }

    /** Checks a token id of a counted row: {@code 0 <= token < vocab}. */
    static void checkToken(String name, int r, int token, int vocab) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException(name + "[" + r + "]: " + token + " (expected: in [0, " + vocab + "))");
        }
    }

    /**
     * Writes log softmax(logits[row] * scale) into {@code out}, subtracting the row maximum first so that
     * no exponential overflows.
     */
    static void logSoftmax(float[] logits, int row, int vocab, double scale, double[] out) {
        int base = row * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[base + v] * scale);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[base + v] * scale - max);
        }
        double logZ = max + Math.log(sum);
        for (int v = 0; v < vocab; v++) {
            out[v] = logits[base + v] * scale - logZ;
        }
    }

    /** How many of the rows count: all of them when {@code mask} is null. */
    static int counted(boolean[] mask, int rows) {
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            counted += counts(mask, r) ? 1 : 0;
        }
        return counted;
    }

    /** Work on one row with two scratch arrays of {@code vocab} doubles that no other thread uses. */
    @FunctionalInterface
    interface RowTask {
        void run(int row, double[] a, double[] b);
    }

    /**
     * Runs {@code task} for every row, in chunks of {@value #CHUNK} rows on {@code workers}. Rows are
     * independent; callers keep per-row results in arrays and sum them in row order afterwards, so results do
     * not depend on the thread count.
     */
    static void forEachRow(Workers workers, int rows, int vocab, RowTask task) {
        workers.forEach((rows + CHUNK - 1) / CHUNK, chunk -> {
            double[] a = new double[vocab];
            double[] b = new double[vocab];
            for (int r = chunk * CHUNK; r < Math.min(rows, (chunk + 1) * CHUNK); r++) {
                task.run(r, a, b);
            }
        });
    }

    /** Sum in row order. */
    static double sum(double[] perRow) {
        double total = 0;
        for (double v : perRow) {
            total += v;
        }
        return total;
    }

    /** Zeroes the gradient of one row (a masked row, or every row when none counts). */
    static void zeroRow(float[] dLogits, int row, int vocab) {
        Arrays.fill(dLogits, row * vocab, (row + 1) * vocab, 0f);
    }
}
