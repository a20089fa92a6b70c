package dev.specula.train.kernel;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks analytic gradients against central finite differences of a float computation, with Richardson
 * extrapolation over steps 1e-2 and 5e-3 so that curvature (error O(h²)) cancels and only float rounding
 * remains. A tolerance of 2e-3 + 1e-2·|gradient| then separates right gradients from wrong ones.
 */
public final class FiniteDifferences {

    private static final float STEP = 1e-2f;

    private FiniteDifferences() {
    }

    /** Checks {@code samples} random elements of {@code values} (all of them when fewer). */
    public static void check(String what, float[] values, float[] analytic, DoubleSupplier loss, int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = Math.min(samples, values.length);
        for (int s = 0; s < count; s++) {
            int i = values.length <= samples ? s : random.nextInt(values.length);
            double numeric = (4 * centralDifference(values, i, STEP / 2, loss) - centralDifference(values, i, STEP, loss)) / 3;
            assertThat((double) analytic[i]).as("%s[%d]: analytic vs finite difference", what, i)
                    .isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
        }
    }

    /**
     * Checks the {@code count} elements with the largest analytic gradient, where the difference's signal is
     * far above the float rounding of a whole model's loss.
     */
    public static void checkLargest(String what, float[] values, float[] analytic, DoubleSupplier loss, int count) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(Math.abs(analytic[b]), Math.abs(analytic[a])));
        for (int k = 0; k < Math.min(count, values.length); k++) {
            int i = order[k];
            double numeric = (4 * centralDifference(values, i, STEP / 2, loss) - centralDifference(values, i, STEP, loss)) / 3;
            assertThat((double) analytic[i]).as("%s[%d]: analytic vs finite difference", what, i)
                    .isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
        }
    }

    /**
     * Checks the derivative along the analytic gradient's own direction {@code ĝ = g / |g|}: it must equal
     * {@code |g|}. One difference of the loss tests every element at once, with the largest signal possible.
     */
    public static void checkAlongGradient(String what, float[] values, float[] analytic, DoubleSupplier loss) {
        double norm = 0;
        for (float g : analytic) {
            norm += (double) g * g;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return;
        }
        float[] saved = values.clone();
        double[] differences = new double[2];
        for (int d = 0; d < 2; d++) {
            double step = d == 0 ? STEP : STEP / 2;
            for (int sign = -1; sign <= 1; sign += 2) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (saved[i] + sign * step * analytic[i] / norm);
                }
                differences[d] += sign * loss.getAsDouble() / (2 * step);
            }
        }
        System.arraycopy(saved, 0, values, 0, values.length);
        double numeric = (4 * differences[1] - differences[0]) / 3;
        assertThat(numeric).as("%s: derivative along the gradient vs its norm", what)
                .isCloseTo(norm, within(2e-3 + 1e-2 * norm));
    }

    /** {@code (L(v + h) − L(v − h)) / 2h} at element i, which is restored afterwards. */
    private static double centralDifference(float[] values, int i, float step, DoubleSupplier loss) {
        float saved = values[i];
        values[i] = saved + step;
        double plus = loss.getAsDouble();
        values[i] = saved - step;
        double minus = loss.getAsDouble();
        values[i] = saved;
        return (plus - minus) / (2 * step);
    }

    /** {@code size} values from N(0, 1), seeded. */
    public static float[] gaussian(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** {@code Σ out ⊙ weights} in double: a loss whose gradient with respect to {@code out} is {@code weights}. */
    public static double projection(float[] out, float[] weights) {
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += (double) out[i] * weights[i];
        }
        return sum;
    }
}
