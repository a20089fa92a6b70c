package dev.specula.train.kernel;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.RopeTable;

/**
 * Rotary position embedding over training sequences, in place. Row {@code i} of a batch of sequences of length
 * {@code seqLen} is at position {@code i % seqLen}. The gradient of a rotation is the inverse rotation.
 */
public final class Rope {

    private Rope() {
    }

    /** Rotates every head of {@code x[rows, width]} forward. */
    public static void forward(float[] x, int rows, int width, int headSize, int seqLen, RopeTable table,
                               RopeStyle style, Workers workers) {
        rotate(x, rows, width, headSize, seqLen, table, style, 1f, workers);
    }

    /** Rotates the gradient {@code dx[rows, width]} back: {@code ∂L/∂x = Rᵀ · ∂L/∂(Rx)}. */
    public static void backward(float[] dx, int rows, int width, int headSize, int seqLen, RopeTable table,
                                RopeStyle style, Workers workers) {
        rotate(dx, rows, width, headSize, seqLen, table, style, -1f, workers);
    }

    private static void rotate(float[] x, int rows, int width, int headSize, int seqLen, RopeTable table,
                               RopeStyle style, float direction, Workers workers) {
        int half = headSize / 2;
        float[] cos = table.cos();
        float[] sin = table.sin();
        workers.forEach(rows, i -> {
            int t = (i % seqLen) * half;
            for (int base = i * width; base < (i + 1) * width; base += headSize) {
                for (int j = 0; j < half; j++) {
                    int a = style == RopeStyle.INTERLEAVED ? base + 2 * j : base + j;
                    int z = style == RopeStyle.INTERLEAVED ? a + 1 : a + half;
                    float c = cos[t + j];
                    float s = direction * sin[t + j];
                    float v0 = x[a];
                    float v1 = x[z];
                    x[a] = v0 * c - v1 * s;
                    x[z] = v0 * s + v1 * c;
                }
            }
        });
    }
}
