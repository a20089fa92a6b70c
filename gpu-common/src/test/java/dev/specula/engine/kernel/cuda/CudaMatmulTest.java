package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.RandomTensors;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The matmul and embedding kernels against the scalar oracle, for every weight type and every batch size
 * 1..16 (and the batched pass's 64); K-quants, decoded to F32 at upload, for a few. Both sum in float in different orders (the GPU by warp trees, with
 * FMA), so each output is allowed 2e-6 of the sum of the absolute products it adds up, plus 1e-6: a few
 * float roundings of the largest partial sum; dequantization itself is exact in both.
 */
class CudaMatmulTest extends SharedCudaBackend {

    private static final float PRODUCT_TOLERANCE = 2e-6f;
    private static final NaiveBackend NAIVE = new NaiveBackend();

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // the encodable types
    void matmul_everyTypeAndBatchSize_matchesOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(7);
        // 37 rows: not a multiple of the 4 rows a block takes; 96 columns: 3 quant blocks, wide loads.
        check(randomWeight(type, 37, 96, random), random, 16);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // the encodable types
    void matmul_wideRowsAndBatchedPass_matchesOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(9);
        // 2080 columns: 65 quant blocks, several strides of a warp; 64 rows: BatchedForward.MAX_ROWS.
        WeightTensor tensor = randomWeight(type, 70, 2080, random);
        for (int n : new int[] {1, 9, 64}) {
            float[][] input = randomRows(n, tensor.cols(), random);
            compare(tensor, input);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void matmul_columnsNotAWideLoadMultiple_usesScalarKernelAndMatchesOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(8);
        check(randomWeight(type, 6, 42, random), random, 16);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = ".*_K", mode = EnumSource.Mode.MATCH_ALL)
    void matmulAndEmbed_kQuantDecodedAtUpload_matchOracle(GgmlType type) {
        SplittableRandom random = new SplittableRandom(5);
        // 512 columns: two super-blocks of 256; the F32 kernels multiply the decoded values.
        WeightTensor tensor = RandomTensors.weight(type, 37, 512, random);
        for (int n : new int[] {1, 3, 9}) {
            compare(tensor, randomRows(n, tensor.cols(), random));
        }
        checkEmbed(tensor);
    }

    @Test
    void matmul_shapeMismatch_failsNamingTheWeight() {
        DeviceBuffer x = cuda.allocate(1, 10);
        DeviceBuffer out = cuda.allocate(1, 5);
        try {
            assertThatThrownBy(() -> cuda.matmul(cuda.load(randomWeight(GgmlType.F32, 5, 12, new SplittableRandom(1))),
                    x, out, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul w [5, 12]");
        } finally {
            cuda.free(x);
            cuda.free(out);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // the encodable types
    void embed_everyType_matchesOracleExactly(GgmlType type) {
        checkEmbed(randomWeight(type, 50, 64, new SplittableRandom(3)));
    }

    private static void checkEmbed(WeightTensor table) {
        int[] tokens = {0, table.rows() - 1, 7, 7, 31};
        DeviceBuffer expected = NAIVE.allocate(tokens.length, table.cols());
        NAIVE.embed(NAIVE.load(table), tokens, expected);
        DeviceBuffer actual = cuda.allocate(tokens.length, table.cols());
        cuda.embed(cuda.load(table), tokens, actual);
        assertThat(download(cuda, actual, tokens.length)).isDeepEqualTo(download(NAIVE, expected, tokens.length));
        cuda.free(actual);
    }

    private static void check(WeightTensor tensor, SplittableRandom random, int maxBatch) {
        for (int n = 1; n <= maxBatch; n++) {
            compare(tensor, randomRows(n, tensor.cols(), random));
        }
    }

    private static void compare(WeightTensor tensor, float[][] input) {
        float[][] expected = matmul(NAIVE, tensor, input);
        float[][] actual = matmul(cuda, tensor, input);
        float[][] scale = absoluteProducts(tensor, input);
        for (int i = 0; i < expected.length; i++) {
            for (int r = 0; r < expected[i].length; r++) {
                assertThat(actual[i][r]).as("%s [%d, %d] n=%d [%d][%d]", tensor.type(), tensor.rows(), tensor.cols(),
                        input.length, i, r).isCloseTo(expected[i][r], within(PRODUCT_TOLERANCE * scale[i][r] + 1e-6f));
            }
        }
    }
}
