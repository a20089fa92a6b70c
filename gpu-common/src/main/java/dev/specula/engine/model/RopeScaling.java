package dev.specula.engine.model;

import java.util.Arrays;

/**
 * How a model stretches RoPE beyond the context it was pretrained on: a divisor for each rotation frequency,
 * as llama.cpp applies {@code rope_freqs.weight} (angle = position × theta^(−2j / headSize) / divisor[j]).
 * Llama 3.1 and 3.2 files carry the divisors as that tensor; {@link #llama3} computes them from the
 * {@code rope_scaling} parameters exactly as llama.cpp's converter does.
 *
 * @param divisors {@code [headSize / 2]}, or null when frequencies are not scaled
 */
public record RopeScaling(float[] divisors) {

    /** Unscaled RoPE. */
    public static final RopeScaling NONE = new RopeScaling(null);

    public RopeScaling {
        if (divisors != null) {
            divisors = divisors.clone();
            for (int j = 0; j < divisors.length; j++) {
                if (!(divisors[j] > 0) || Float.isInfinite(divisors[j])) {
                    throw new IllegalArgumentException("rope divisors[" + j + "]: " + divisors[j] + " (expected: finite, > 0)");
                }
            }
        }
    }

    /**
     * Llama 3's frequency scaling ({@code rope_type: llama3}): wavelengths shorter than
     * {@code originalContext / highFreqFactor} keep their frequency, those longer than
     * {@code originalContext / lowFreqFactor} are divided by {@code factor}, and those between are blended.
     */
    public static RopeScaling llama3(int headSize, float theta, float factor, float lowFreqFactor, float highFreqFactor,
                                     int originalContext) {
        if (!(factor >= 1) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalContext <= 0) {
            throw new IllegalArgumentException("llama3 rope scaling: factor " + factor + ", low_freq_factor " + lowFreqFactor
                    + ", high_freq_factor " + highFreqFactor + ", original_context_length " + originalContext
                    + " (expected: factor >= 1, 0 < low_freq_factor < high_freq_factor, original_context_length > 0)");
        }
        // In float32 throughout, as the converter's torch arithmetic is, so the divisors match its tensor.
        float lowFreqWavelength = originalContext / lowFreqFactor;
        float highFreqWavelength = originalContext / highFreqFactor;
        float[] divisors = new float[headSize / 2];
        for (int j = 0; j < divisors.length; j++) {
            float frequency = (float) (1.0 / Math.pow(theta, (2 * j) / (float) headSize));
            float wavelength = (float) (2 * Math.PI) / frequency;
            if (wavelength < highFreqWavelength) {
                divisors[j] = 1f;
            } else if (wavelength > lowFreqWavelength) {
                divisors[j] = factor;
            } else {
                float smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                divisors[j] = 1f / ((1 - smooth) / factor + smooth);
            }
        }
        return new RopeScaling(divisors);
    }

    /** Every frequency divided by {@code factor} ({@code rope.scaling.type: linear}, position interpolation). */
    public static RopeScaling linear(int headSize, float factor) {
        float[] divisors = new float[headSize / 2];
        Arrays.fill(divisors, factor);
        return new RopeScaling(divisors);
    }

    /** Whether frequencies are scaled at all. */
    public boolean scaled() {
        return divisors != null;
    }

    @Override
    public float[] divisors() {
        return divisors == null ? null : divisors.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RopeScaling other && Arrays.equals(divisors, other.divisors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(divisors);
    }

    @Override
    public String toString() {
        return divisors == null ? "RopeScaling[none]" : "RopeScaling" + Arrays.toString(divisors);
    }
}
