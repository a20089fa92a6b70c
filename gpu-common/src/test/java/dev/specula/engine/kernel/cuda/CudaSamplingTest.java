package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.sample.Sampler;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Token choice on the device against host computations: argmax exactly as {@link Sampler#argmax}; sampling
 * as the inverse CDF of softmax(logits / T) computed in double, token for token (uniforms within 1e-5 of a
 * CDF step are left out, where float and double may round to different sides), probabilities within 1e-5.
 */
class CudaSamplingTest extends SharedCudaBackend {

    private static final int VOCAB = 32000;

    @Test
    void argmax_randomRowsAndTies_matchesHostArgmax() {
        float[][] logits = randomRows(16, VOCAB, new SplittableRandom(41));
        logits[3][100] = 9f;
        logits[3][20000] = 9f; // a tie: the lower index wins
        logits[5] = new float[VOCAB];
        logits[5][VOCAB - 1] = Float.NEGATIVE_INFINITY; // all equal but one
        DeviceBuffer b = upload(cuda, logits);
        int[] tokens = cuda.argmax(b, 16);
        for (int i = 0; i < 16; i++) {
            assertThat(tokens[i]).as("row %d", i).isEqualTo(Sampler.argmax(logits[i]));
        }
        assertThat(tokens[3]).isEqualTo(100);
        cuda.free(b);
    }

    @Test
    void sample_manyUniforms_matchesInverseCdfOfSoftmax() {
        SplittableRandom random = new SplittableRandom(42);
        int checked = 0;
        for (float temperature : new float[] {0.5f, 1f, 1.7f}) {
            float[][] logits = randomRows(16, VOCAB, random);
            for (float[] row : logits) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= 3f; // peaked enough that a few tokens carry most of the mass
                }
            }
            DeviceBuffer b = upload(cuda, logits);
            for (int draw = 0; draw < 20; draw++) {
                float[] uniforms = new float[16];
                for (int i = 0; i < 16; i++) {
                    uniforms[i] = (float) random.nextDouble();
                }
                SampledTokens sampled = cuda.sample(b, 16, temperature, uniforms);
                for (int i = 0; i < 16; i++) {
                    double[] p = softmax(logits[i], temperature);
                    if (nearStep(p, uniforms[i])) {
                        continue;
                    }
                    int expected = inverseCdf(p, uniforms[i]);
                    assertThat(sampled.tokens()[i]).as("T=%s row %d u=%s", temperature, i, uniforms[i]).isEqualTo(expected);
                    assertThat((double) sampled.probabilities()[i]).isCloseTo(p[expected], within(1e-5 + 1e-5 * p[expected]));
                    checked++;
                }
            }
            cuda.free(b);
        }
        assertThat(checked).isGreaterThan(900);
    }

    @Test
    void probabilities_ofChosenTokens_matchSoftmax() {
        float[][] logits = randomRows(9, VOCAB, new SplittableRandom(43));
        int[] tokens = {0, 5, 31999, 77, 1234, 9, 9, 20000, 3};
        DeviceBuffer b = upload(cuda, logits);
        float[] p = cuda.probabilities(b, 9, 0.8f, tokens);
        for (int i = 0; i < 9; i++) {
            double expected = softmax(logits[i], 0.8f)[tokens[i]];
            assertThat((double) p[i]).as("row %d", i).isCloseTo(expected, within(1e-6 + 1e-5 * expected));
        }
        cuda.free(b);
    }

    private static double[] softmax(float[] logits, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp((logits[j] - max) / temperature);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static int inverseCdf(double[] p, double u) {
        double cumulative = 0;
        for (int j = 0; j < p.length; j++) {
            cumulative += p[j];
            if (cumulative > u) {
                return j;
            }
        }
        return p.length - 1;
    }

    private static boolean nearStep(double[] p, double u) {
        double cumulative = 0;
        for (double v : p) {
            cumulative += v;
            if (Math.abs(cumulative - u) < 1e-5) {
                return true;
            }
        }
        return false;
    }
}
