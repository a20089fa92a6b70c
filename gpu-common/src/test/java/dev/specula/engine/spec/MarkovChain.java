package dev.specula.engine.spec;

import dev.specula.engine.sample.SparseDistribution;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * A first-order Markov language model over a small vocabulary, the stand-in for a target or draft model in the
 * statistical tests: row {@code s} is the next-token distribution after token {@code s}.
 */
final class MarkovChain {

    private final double[][] matrix;
    private final SparseDistribution[] rows;

    MarkovChain(double[][] matrix) {
        this.matrix = new double[matrix.length][];
        this.rows = new SparseDistribution[matrix.length];
        for (int s = 0; s < matrix.length; s++) {
            if (matrix[s].length != matrix.length) {
                throw new IllegalArgumentException("matrix[" + s + "]: " + matrix[s].length + " entries (expected: "
                        + matrix.length + ")");
            }
            this.matrix[s] = normalize(matrix[s]);
            float[] dense = new float[matrix.length];
            for (int x = 0; x < dense.length; x++) {
                dense[x] = (float) this.matrix[s][x];
            }
            rows[s] = SparseDistribution.fromDense(dense);
        }
    }

    /** A chain whose entries are {@code floor + uniform[0, 1)} before normalization: every transition possible. */
    static MarkovChain random(int vocab, double floor, long seed) {
        var rng = new SplittableRandom(seed);
        double[][] m = new double[vocab][vocab];
        for (double[] row : m) {
            for (int x = 0; x < vocab; x++) {
                row[x] = floor + rng.nextDouble();
            }
        }
        return new MarkovChain(m);
    }

    /** A chain whose row {@code s} is {@code rowOf.apply(s)}, normalized. */
    static MarkovChain ofRows(int vocab, IntFunction<double[]> rowOf) {
        double[][] m = new double[vocab][];
        for (int s = 0; s < vocab; s++) {
            m[s] = rowOf.apply(s);
        }
        return new MarkovChain(m);
    }

    int vocab() {
        return matrix.length;
    }

    /** P(next = x | previous = s), exactly (in double). */
    double p(int s, int x) {
        return matrix[s][x];
    }

    /** A copy of row {@code s}. */
    double[] row(int s) {
        return matrix[s].clone();
    }

    /** Row {@code s} as the sparse distribution the engine would send or verify against. */
    SparseDistribution next(int s) {
        return rows[s];
    }

    private static double[] normalize(double[] row) {
        double sum = 0;
        for (double v : row) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("entry " + v + " (expected: >= 0)");
            }
            sum += v;
        }
        double[] out = new double[row.length];
        for (int x = 0; x < row.length; x++) {
            out[x] = row[x] / sum;
        }
        return out;
    }
}
