package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.SplittableRandom;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.*;

/**
 * RMSNorm (of rows and of heads), softmax, residual add, bias, SwiGLU and RoPE against the oracle for 1..16 rows. Tolerance: a
 * relative 1e-5 of max(1, |expected|): the kernels differ from the oracle only in summation order (norm and
 * softmax sums), FMA contraction and the last ulps of expf/sqrtf.
 */
class CudaRowKernelsTest extends SharedCudaBackend {

    private static final float TOLERANCE = 1e-5f;
    private static final NaiveBackend NAIVE = new NaiveBackend();

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16"})
    void rmsnorm_everyBatchSize_matchesOracle(GgmlType gammaType) {
        SplittableRandom random = new SplittableRandom(21);
        WeightTensor gamma = randomWeight(gammaType, 1, 288, random);
        for (int n = 1; n <= 16; n++) {
            float[][] x = randomRows(n, 288, random);
            assertClose(rmsnorm(cuda, x, gamma), rmsnorm(NAIVE, x, gamma), TOLERANCE, "rmsnorm n=" + n);
        }
    }

    @Test
    void headRmsnorm_qwen3HeadsEveryBatchSize_matchesOracle() {
        SplittableRandom random = new SplittableRandom(24);
        WeightTensor gamma = randomWeight(GgmlType.F32, 1, 128, random); // [headSize]
        for (int n = 1; n <= 17; n++) {
            float[][] x = randomRows(n, 16 * 128, random); // 16 heads of 128, as Qwen3's queries
            assertClose(headRmsnorm(cuda, x, gamma), headRmsnorm(NAIVE, x, gamma), TOLERANCE, "headRmsnorm n=" + n);
        }
    }

    @Test
    void softmaxAddBiasSwiglu_everyBatchSize_matchOracle() {
        SplittableRandom random = new SplittableRandom(22);
        WeightTensor bias = randomWeight(GgmlType.F32, 1, 1000, random);
        for (int n = 1; n <= 16; n++) {
            float[][] a = randomRows(n, 1000, random);
            float[][] b = randomRows(n, 1000, random);
            assertClose(elementwise(cuda, a, b, bias), elementwise(NAIVE, a, b, bias), TOLERANCE, "n=" + n);
        }
    }

    @ParameterizedTest
    @CsvSource({"INTERLEAVED, 8, 0", "INTERLEAVED, 64, 5", "NEOX, 64, 5", "NEOX, 128, 100"})
    void rope_bothStyles_matchOracle(RopeStyle style, int headSize, int startPos) {
        SplittableRandom random = new SplittableRandom(23);
        int cols = 4 * headSize;
        float[][] cos = randomRows(startPos + 16, headSize / 2, random);
        float[][] sin = randomRows(startPos + 16, headSize / 2, random);
        for (int n = 1; n <= 16; n++) {
            float[][] x = randomRows(n, cols, random);
            assertClose(rope(cuda, x, headSize, startPos, cos, sin, style), rope(NAIVE, x, headSize, startPos, cos, sin, style),
                    TOLERANCE, style + " n=" + n);
        }
    }

    private static float[][] rmsnorm(Backend backend, float[][] x, WeightTensor gamma) {
        DeviceBuffer in = upload(backend, x);
        DeviceBuffer out = backend.allocate(x.length, x[0].length);
        backend.rmsnorm(in, backend.load(gamma), 1e-5f, out, x.length);
        float[][] result = download(backend, out, x.length);
        backend.free(in);
        backend.free(out);
        return result;
    }

    private static float[][] headRmsnorm(Backend backend, float[][] x, WeightTensor gamma) {
        DeviceBuffer in = upload(backend, x);
        backend.headRmsnorm(in, backend.load(gamma), 1e-6f, x.length, gamma.cols());
        float[][] result = download(backend, in, x.length);
        backend.free(in);
        return result;
    }

    /** softmax(a + bias + silu(a) * b ...): each kernel's output feeds the next, all four checked together. */
    private static float[][] elementwise(Backend backend, float[][] a, float[][] b, WeightTensor bias) {
        DeviceBuffer x = upload(backend, a);
        DeviceBuffer y = upload(backend, b);
        backend.swiglu(x, y, a.length);
        backend.add(x, y, a.length);
        backend.addBias(x, backend.load(bias), a.length);
        float[][] beforeSoftmax = download(backend, x, a.length);
        backend.softmax(x, a.length);
        float[][] result = download(backend, x, a.length);
        backend.free(x);
        backend.free(y);
        float[][] both = new float[2 * a.length][];
        System.arraycopy(beforeSoftmax, 0, both, 0, a.length);
        System.arraycopy(result, 0, both, a.length, a.length);
        return both;
    }

    private static float[][] rope(Backend backend, float[][] x, int headSize, int startPos, float[][] cos, float[][] sin,
                                  RopeStyle style) {
        DeviceBuffer in = upload(backend, x);
        DeviceBuffer c = upload(backend, cos);
        DeviceBuffer s = upload(backend, sin);
        backend.rope(in, x.length, headSize, startPos, c, s, style);
        float[][] result = download(backend, in, x.length);
        for (DeviceBuffer b : new DeviceBuffer[] {in, c, s}) {
            backend.free(b);
        }
        return result;
    }
}
