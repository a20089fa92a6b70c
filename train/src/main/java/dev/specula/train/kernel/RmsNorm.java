package dev.specula.train.kernel;

import dev.specula.engine.kernel.cpu.VectorMath;

/**
 * RMSNorm, {@code y = g ⊙ x / rms(x)} with {@code rms(x) = sqrt(mean(x²) + eps)}, computed as the engine's
 * CPU backend does, and its gradient.
 */
public final class RmsNorm {

    private RmsNorm() {
    }

    /**
     * Normalises every row of {@code x[rows, dim]} into {@code y}, and keeps {@code 1 / rms} per row in
     * {@code inverseRms[rows]} for the backward pass.
     */
    public static void forward(float[] x, float[] gain, float eps, float[] y, float[] inverseRms, int rows, int dim,
                               Workers workers) {
        workers.forEach(rows, i -> {
            int off = i * dim;
            float ss = VectorMath.dot(x, off, x, off, dim) / dim + eps;
            float scale = (float) (1.0 / Math.sqrt(ss));
            inverseRms[i] = scale;
            for (int j = 0; j < dim; j++) {
                y[off + j] = gain[j] * (scale * x[off + j]);
            }
        });
    }

    /**
     * Accumulates {@code dx += ∂L/∂x} and {@code dGain += ∂L/∂g}. With {@code a = g ⊙ dy} and {@code r = 1/rms}:
     * {@code dx = r·a − x · r³ · (a·x) / dim}.
     */
    public static void backward(float[] dy, float[] x, float[] gain, float[] inverseRms, float[] dx, float[] dGain,
                                int rows, int dim, Workers workers) {
        workers.forEach(rows, i -> {
            int off = i * dim;
            float r = inverseRms[i];
            double ax = 0;
            for (int j = 0; j < dim; j++) {
                ax += (double) gain[j] * dy[off + j] * x[off + j];
            }
            float coefficient = (float) (r * r * r * ax / dim);
            for (int j = 0; j < dim; j++) {
                dx[off + j] += r * gain[j] * dy[off + j] - coefficient * x[off + j];
            }
        });
        // Summed over rows in row order on one thread: cheap, and deterministic.
        for (int i = 0; i < rows; i++) {
            int off = i * dim;
            float r = inverseRms[i];
            for (int j = 0; j < dim; j++) {
                dGain[j] += dy[off + j] * x[off + j] * r;
            }
        }
    }
}
