package dev.specula.train.kernel;

import java.util.Arrays;

/**
 * A bias-free linear layer {@code y = x · Wᵀ} with {@code W: [out, in]} as the engine stores it, and its two
 * gradients. Every product goes through {@link Gemm} after one transpose.
 */
public final class Linear {

    private Linear() {
    }

    /** {@code y[rows, out] = x[rows, in] · w[out, in]ᵀ} (overwrites y). */
    public static void forward(float[] x, float[] w, float[] y, int rows, int in, int out, Workers workers) {
        float[] wT = new float[in * out];
        Gemm.transpose(w, out, in, wT, workers);
        Arrays.fill(y, 0, rows * out, 0f);
        Gemm.multiplyAdd(x, wT, y, rows, in, out, workers);
    }

    /**
     * Accumulates {@code dx[rows, in] += dy · w} and {@code dw[out, in] += dyᵀ · x}.
     *
     * @param dx null when the input's gradient is not needed (the first layer's input is an embedding lookup,
     *           whose gradient is taken elsewhere)
     */
    public static void backward(float[] dy, float[] x, float[] w, float[] dx, float[] dw, int rows, int in, int out,
                                Workers workers) {
        if (dx != null) {
            Gemm.multiplyAdd(dy, w, dx, rows, out, in, workers);
        }
        float[] dyT = new float[rows * out];
        Gemm.transpose(dy, rows, out, dyT, workers);
        Gemm.multiplyAdd(dyT, x, dw, out, rows, in, workers);
    }
}
