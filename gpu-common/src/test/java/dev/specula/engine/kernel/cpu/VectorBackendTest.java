package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.RandomTensors;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every Vector API kernel against the scalar oracle. Both sum in float, in different orders, so results
 * agree to a relative 1e-5 of the operands' magnitude rather than bit for bit.
 */
class VectorBackendTest {

    private static final float TOLERANCE = 1e-4f;
    private static final NaiveBackend NAIVE = new NaiveBackend();
    private static final VectorBackend VECTOR = new VectorBackend(2);

    @AfterAll
    static void closeBackends() {
        VECTOR.close();
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matmul_everyTypeAndBatchSize_matchesOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(7);
        // 96 columns: three Q blocks, and not a multiple of a 512-bit vector's 16 lanes times 4; K-quants: two
        // super-blocks of 256.
        int cols = type.isKQuant() ? 512 : 96;
        WeightTensor tensor = randomWeight(type, 37, cols, random);
        for (int n : new int[] {1, 2, 3, 4, 5, 9, 16}) {
            float[][] input = randomRows(n, cols, random);
            assertThat(run(VECTOR, tensor, input)).as("%s n=%d", type, n)
                    .satisfies(actual -> assertClose(actual, run(NAIVE, tensor, input)));
        }
    }

    @Test
    void matmul_q8BlocksOfTwoOrThreeTokens_equalOneTokenAtATimeExactly() {
        // Greedy verification of k = 1 or 2 drafts then scores with the very sums that decode computes.
        SplittableRandom random = new SplittableRandom(9);
        WeightTensor tensor = randomWeight(GgmlType.Q8_0, 37, 96, random);
        for (int n : new int[] {2, 3}) {
            float[][] input = randomRows(n, 96, random);
            float[][] together = run(VECTOR, tensor, input);
            for (int i = 0; i < n; i++) {
                assertThat(together[i]).as("n=%d, token %d", n, i)
                        .containsExactly(run(VECTOR, tensor, new float[][] {input[i]})[0]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = ".*_K", mode = EnumSource.Mode.MATCH_ALL)
    void matmul_kQuantBlocksOfUpToThreeTokens_equalOneTokenAtATimeExactly(GgmlType type) {
        // Small verification blocks multiply each K-quant super-block in registers once per token, as decode does.
        SplittableRandom random = new SplittableRandom(10);
        WeightTensor tensor = randomWeight(type, 37, 512, random);
        for (int n = 2; n <= KQuantBlocks.MAX_TOKENS; n++) {
            float[][] input = randomRows(n, 512, random);
            float[][] together = run(VECTOR, tensor, input);
            for (int i = 0; i < n; i++) {
                assertThat(together[i]).as("%s n=%d, token %d", type, n, i)
                        .containsExactly(run(VECTOR, tensor, new float[][] {input[i]})[0]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = ".*_K", mode = EnumSource.Mode.MATCH_ALL)
    void decodeRow_kQuant_equalsScalarDecoderExactly(GgmlType type) {
        WeightTensor tensor = randomWeight(type, 3, 512, new SplittableRandom(12));
        for (int r = 0; r < 3; r++) {
            float[] expected = new float[512];
            TensorCodec.dequantize(type, tensor.data(), r * 512L, expected, 0, 512);
            float[] actual = new float[512];
            VectorDecode.row(type, tensor.data(), type.bytesFor(r * 512L), actual, 512);
            assertThat(actual).as("%s row %d", type, r).containsExactly(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void matmul_columnsNotAVectorMultiple_matchesOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(8);
        WeightTensor tensor = randomWeight(type, 6, 40, random); // 40 = 2.5 vectors of 16 lanes
        for (int n : new int[] {1, 5}) {
            float[][] input = randomRows(n, 40, random);
            assertClose(run(VECTOR, tensor, input), run(NAIVE, tensor, input));
        }
    }

    @Test
    void attention_causalBlockAgainstCache_matchesOracle() {
        SplittableRandom random = new SplittableRandom(11);
        int heads = 4;
        int kvHeads = 2;
        int headSize = 24;
        int startPos = 5;
        int n = 3;
        float[][] q = randomRows(n, heads * headSize, random);
        float[][] cache = randomRows(startPos + n, kvHeads * headSize, random);
        float[][] values = randomRows(startPos + n, kvHeads * headSize, random);
        assertClose(attention(VECTOR, q, cache, values, startPos, heads, kvHeads, headSize),
                attention(NAIVE, q, cache, values, startPos, heads, kvHeads, headSize));
    }

    @Test
    void rmsnormRopeSwigluSoftmax_matchOracle() {
        SplittableRandom random = new SplittableRandom(13);
        float[][] x = randomRows(3, 32, random);
        WeightTensor gamma = randomWeight(GgmlType.F32, 1, 32, random);
        float[][] cos = randomRows(8, 4, random);
        float[][] sin = randomRows(8, 4, random);
        assertClose(normRopeSwigluSoftmax(VECTOR, x, gamma, cos, sin), normRopeSwigluSoftmax(NAIVE, x, gamma, cos, sin));
    }

    private static float[][] normRopeSwigluSoftmax(Backend backend, float[][] x, WeightTensor gamma, float[][] cos,
                                                   float[][] sin) {
        DeviceBuffer in = upload(backend, x);
        DeviceBuffer out = backend.allocate(x.length, x[0].length);
        backend.rmsnorm(in, backend.load(gamma), 1e-5f, out, x.length);
        backend.rope(out, x.length, 8, 2, upload(backend, cos), upload(backend, sin), RopeStyle.NEOX);
        backend.swiglu(out, in, x.length);
        backend.softmax(out, x.length);
        return download(backend, out, x.length);
    }

    static WeightTensor randomWeight(GgmlType type, int rows, int cols, SplittableRandom random) {
        return RandomTensors.weight(type, rows, cols, random);
    }

    static float[][] randomRows(int rows, int cols, SplittableRandom random) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    private static float[][] run(Backend backend, WeightTensor tensor, float[][] input) {
        DeviceWeight w = backend.load(tensor);
        DeviceBuffer x = upload(backend, input);
        DeviceBuffer out = backend.allocate(input.length, tensor.rows());
        backend.matmul(w, x, out, input.length);
        return download(backend, out, input.length);
    }

    private static float[][] attention(Backend backend, float[][] q, float[][] keys, float[][] values, int startPos,
                                       int heads, int kvHeads, int headSize) {
        DeviceBuffer out = backend.allocate(q.length, heads * headSize);
        backend.attention(upload(backend, q), upload(backend, keys), upload(backend, values), out, q.length,
                startPos, heads, kvHeads, headSize);
        return download(backend, out, q.length);
    }

    static DeviceBuffer upload(Backend backend, float[][] rows) {
        DeviceBuffer buffer = backend.allocate(rows.length, rows[0].length);
        for (int i = 0; i < rows.length; i++) {
            backend.write(buffer, i, rows[i]);
        }
        return buffer;
    }

    static float[][] download(Backend backend, DeviceBuffer buffer, int rows) {
        float[][] out = new float[rows][buffer.cols()];
        for (int i = 0; i < rows; i++) {
            backend.read(buffer, i, out[i]);
        }
        return out;
    }

    static void assertClose(float[][] actual, float[][] expected) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("[%d][%d]", i, j)
                        .isCloseTo(expected[i][j], within(TOLERANCE * Math.max(1f, Math.abs(expected[i][j]))));
            }
        }
    }
}
