package dev.specula.engine.model;

/**
 * RoPE's cosines and sines for every position and frequency, computed as llama2.c does in float:
 * angle = position × theta^(−2j / headSize), with each frequency divided by the config's
 * {@link RopeScaling} divisor when it has one (Llama 3.x). Inference and training share it, so a trained
 * model rotates exactly as the engine that later runs it.
 *
 * @param cos  {@code [contextLength, headSize / 2]}
 * @param sin  {@code [contextLength, headSize / 2]}
 * @param half {@code headSize / 2}: the row width
 */
public record RopeTable(float[] cos, float[] sin, int half) {

    /** The table for {@code config}'s head size, theta and context length. */
    public static RopeTable of(LlamaConfig config) {
        int half = config.headSize() / 2;
        float[] cos = new float[config.contextLength() * half];
        float[] sin = new float[config.contextLength() * half];
        float[] divisors = config.ropeScaling().divisors(); // [half] or null
        for (int pos = 0; pos < config.contextLength(); pos++) {
            for (int j = 0; j < half; j++) {
                float frequency = (float) (1.0 / Math.pow(config.ropeTheta(), (2 * j) / (float) config.headSize()));
                if (divisors != null) {
                    frequency /= divisors[j];
                }
                float angle = pos * frequency;
                cos[pos * half + j] = (float) Math.cos(angle);
                sin[pos * half + j] = (float) Math.sin(angle);
            }
        }
        return new RopeTable(cos, sin, half);
    }
}
