package dev.specula.train.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense row-major matrix products for training, with the Vector API. One kernel, {@code C += A · B}, serves all
 * three products of a linear layer (forward, input gradient, weight gradient) given the right transposes.
 * Each block of four rows of C is computed by one thread, summing over K in order, so results are
 * deterministic whatever the thread count.
 */
public final class Gemm {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int ROWS = 4;

    private Gemm() {
    }

    /**
     * {@code c[m, n] += a[m, k] · b[k, n]}, all row-major and starting at index 0.
     */
    public static void multiplyAdd(float[] a, float[] b, float[] c, int m, int k, int n, Workers workers) {
        checkLength("a", a, (long) m * k);
        checkLength("b", b, (long) k * n);
        checkLength("c", c, (long) m * n);
        workers.forEach((m + ROWS - 1) / ROWS, block -> {
            int i0 = block * ROWS;
            if (m - i0 >= ROWS) {
                fourRows(a, b, c, i0, k, n);
            } else {
                for (int i = i0; i < m; i++) {
                    oneRow(a, b, c, i, k, n);
                }
            }
        });
    }

    /** {@code dst[cols, rows] = src[rows, cols]ᵀ}. */
    public static void transpose(float[] src, int rows, int cols, float[] dst, Workers workers) {
        checkLength("src", src, (long) rows * cols);
        checkLength("dst", dst, (long) rows * cols);
        int tile = 32;
        workers.forEach((rows + tile - 1) / tile, block -> {
            int r0 = block * tile;
            int r1 = Math.min(rows, r0 + tile);
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        dst[c * rows + r] = src[r * cols + c];
                    }
                }
            }
        });
    }

    /** Rows i0..i0+3 of C: 4 × 2 vector accumulators share every load of A and B. */
    private static void fourRows(float[] a, float[] b, float[] c, int i0, int k, int n) {
        int a0 = i0 * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
            FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
            FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
            FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
            for (int p = 0, bOff = j; p < k; p++, bOff += n) {
                FloatVector b0 = FloatVector.fromArray(F, b, bOff);
                FloatVector b1 = FloatVector.fromArray(F, b, bOff + L);
                FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F, a[a1 + p]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F, a[a2 + p]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F, a[a3 + p]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            addInto(c, i0 * n + j, c00, c01);
            addInto(c, (i0 + 1) * n + j, c10, c11);
            addInto(c, (i0 + 2) * n + j, c20, c21);
            addInto(c, (i0 + 3) * n + j, c30, c31);
        }
        if (j < n) {
            for (int i = i0; i < i0 + ROWS; i++) {
                columns(a, b, c, i, k, n, j);
            }
        }
    }

    private static void oneRow(float[] a, float[] b, float[] c, int i, int k, int n) {
        columns(a, b, c, i, k, n, 0);
    }

    /** Row i of C from column {@code from} on: vectors, then scalars. */
    private static void columns(float[] a, float[] b, float[] c, int i, int k, int n, int from) {
        int aOff = i * k;
        int j = from;
        for (; j + L <= n; j += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.broadcast(F, a[aOff + p]).fma(FloatVector.fromArray(F, b, p * n + j), acc);
            }
            int cOff = i * n + j;
            acc.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
        }
        for (; j < n; j++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) {
                sum = Math.fma(a[aOff + p], b[p * n + j], sum);
            }
            c[i * n + j] += sum;
        }
    }

    private static void addInto(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.add(FloatVector.fromArray(F, c, off)).intoArray(c, off);
        v1.add(FloatVector.fromArray(F, c, off + L)).intoArray(c, off + L);
    }

    private static void checkLength(String name, float[] array, long expected) {
        if (array.length < expected) {
            throw new IllegalArgumentException(name + ": " + array.length + " elements (expected: at least " + expected + ")");
        }
    }
}
