package dev.specula.train.loss;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Random logits and central finite differences shared by the loss tests. */
final class LossChecks {

    /**
     * The finite-difference step, a power of two: {@code x ± STEP} is exact in float for |x| < 16, so the
     * perturbation is the one intended and the difference quotient is computed in double.
     */
    static final float STEP = 0x1p-10f;
    /** Gradient tolerance against finite differences: O(STEP^2) truncation plus float rounding of dLogits. */
    static final double FD_TOLERANCE = 2e-6;

    private LossChecks() {
    }

    /** Gaussian logits with standard deviation {@code scale}, as floats. // [rows, vocab] */
    static float[] logits(long seed, int rows, int vocab, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[rows * vocab];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * scale);
        }
        return logits;
    }

    /** The central difference {@code (L(x + h e_i) - L(x - h e_i)) / 2h} for every i. */
    static double[] centralDifferences(float[] logits, ToDoubleFunction<float[]> loss) {
        double[] gradient = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] plus = logits.clone();
            float[] minus = logits.clone();
            plus[i] += STEP;
            minus[i] -= STEP;
            gradient[i] = (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (2.0 * STEP);
        }
        return gradient;
    }

    /** Asserts an analytic gradient against central differences of {@code loss} at {@code logits}. */
    static void assertMatchesFiniteDifferences(float[] analytic, float[] logits, ToDoubleFunction<float[]> loss) {
        double[] numeric = centralDifferences(logits, loss);
        for (int i = 0; i < analytic.length; i++) {
            assertThat((double) analytic[i]).as("dLogits[%d]", i).isCloseTo(numeric[i], within(FD_TOLERANCE));
        }
    }

    /** Softmax of one row, in double. */
    static double[] softmax(float[] logits, int row, int vocab) {
        double[] out = new double[vocab];
        TotalVariationLoss.probabilities(logits, row, vocab, out);
        return out;
    }
}
