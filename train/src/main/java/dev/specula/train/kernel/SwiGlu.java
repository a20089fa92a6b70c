package dev.specula.train.kernel;

/** SwiGLU, {@code h = silu(gate) ⊙ up}, and its gradient, over {@code [rows, width]} arrays. */
public final class SwiGlu {

    private SwiGlu() {
    }

    /** {@code h = silu(gate) · up}, element by element, as the engine computes it. */
    public static void forward(float[] gate, float[] up, float[] h, int rows, int width, Workers workers) {
        workers.forEach(rows, r -> {
            for (int i = r * width; i < (r + 1) * width; i++) {
                float g = gate[i];
                h[i] = g / (1f + (float) Math.exp(-g)) * up[i];
            }
        });
    }

    /**
     * Writes {@code dGate} and {@code dUp} (overwriting) from {@code dh}: with {@code σ = sigmoid(gate)},
     * {@code dUp = dh · gate·σ} and {@code dGate = dh · up · σ · (1 + gate · (1 − σ))}.
     */
    public static void backward(float[] dh, float[] gate, float[] up, float[] dGate, float[] dUp, int rows, int width,
                                Workers workers) {
        workers.forEach(rows, r -> {
            for (int i = r * width; i < (r + 1) * width; i++) {
                float g = gate[i];
                float sigmoid = 1f / (1f + (float) Math.exp(-g));
                dUp[i] = dh[i] * g * sigmoid;
                dGate[i] = dh[i] * up[i] * sigmoid * (1f + g * (1f - sigmoid));
            }
        });
    }
}
