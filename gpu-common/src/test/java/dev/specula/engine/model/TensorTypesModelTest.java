package dev.specula.engine.model;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tiny random models written with the GGUF writer in every tensor type load and give logits close to the same
 * weights in F32 (the oracle, on the naive backend). Tolerances, as the root-mean-square logit error over the
 * logits' standard deviation, follow each type's precision: F16 has an 11-bit mantissa, BF16 8 bits, Q8_0 about 8 bits
 * per block, Q4_0 4 bits.
 */
class TensorTypesModelTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    // Measured: F16 0.0005, BF16 0.0037, Q8_0 0.012, Q4_0 0.20; a decoding bug (e.g. swapped nibbles) gives > 1.
    @CsvSource({"F16, 0.002", "BF16, 0.01", "Q8_0, 0.03", "Q4_0, 0.3"})
    void logits_quantizedModel_closeToF32Oracle(GgmlType type, double tolerance) throws Exception {
        int[] tokens = TransformerBatchTest.sequence(12, TinyModels.CONFIG.vocabSize());
        try (ModelFile f32 = TinyModels.write(dir, GgmlType.F32, 9);
             ModelFile quantized = TinyModels.write(dir, type, 9);
             Backend vector = new VectorBackend(2)) {
            float[][] oracle = logits(f32.load(new NaiveBackend()), tokens);
            double spread = standardDeviation(oracle);
            for (Backend backend : new Backend[] {new NaiveBackend(), vector}) {
                float[][] actual = logits(quantized.load(backend), tokens);
                double squaredError = 0;
                for (int i = 0; i < tokens.length; i++) {
                    for (int v = 0; v < oracle[i].length; v++) {
                        squaredError += Math.pow(actual[i][v] - oracle[i][v], 2);
                    }
                }
                double rmsError = Math.sqrt(squaredError / (tokens.length * oracle[0].length));
                assertThat(rmsError / spread).as("%s on %s: rms logit error / logit std", type, backend.name())
                        .isLessThan(tolerance);
            }
        }
    }

    private static float[][] logits(Transformer model, int[] tokens) {
        try (InferenceSession session = model.newSession()) {
            return session.forwardAll(tokens);
        }
    }

    private static double standardDeviation(float[][] values) {
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (float[] row : values) {
            for (float v : row) {
                sum += v;
                squares += (double) v * v;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(squares / n - mean * mean);
    }
}
