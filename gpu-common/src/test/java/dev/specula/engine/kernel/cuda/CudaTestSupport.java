package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Random inputs, host round trips and comparisons shared by the CUDA tests. */
final class CudaTestSupport {

    private CudaTestSupport() {
    }

    /** Skips the calling test, with the probe's reason, where no CUDA device is usable. */
    static void requireCuda() {
        CudaAvailability a = CudaDriver.availability();
        assumeTrue(a.available(), "needs an NVIDIA GPU with a CUDA 13 driver: " + a.detail() + "; test skipped");
    }

    static WeightTensor randomWeight(GgmlType type, int rows, int cols, SplittableRandom random) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 0.5f;
        }
        long[] dims = rows == 1 ? new long[] {cols} : new long[] {cols, rows};
        return new WeightTensor("w", type, dims, MemorySegment.ofArray(TensorCodec.quantize(type, values)));
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

    /** {@code w · x[i]} for every row on {@code backend}: {@code [n, w.rows]}. */
    static float[][] matmul(Backend backend, WeightTensor tensor, float[][] input) {
        DeviceWeight w = backend.load(tensor);
        DeviceBuffer x = upload(backend, input);
        DeviceBuffer out = backend.allocate(input.length, tensor.rows());
        backend.matmul(w, x, out, input.length);
        float[][] result = download(backend, out, input.length);
        backend.free(x);
        backend.free(out);
        return result;
    }

    /** {@code Σ_j |w[r, j] x[i, j]|}: the scale of the rounding error of a float dot product, {@code [n, rows]}. */
    static float[][] absoluteProducts(WeightTensor tensor, float[][] input) {
        float[] row = new float[tensor.cols()];
        float[][] out = new float[input.length][tensor.rows()];
        for (int r = 0; r < tensor.rows(); r++) {
            TensorCodec.dequantize(tensor.type(), tensor.data(), (long) r * tensor.cols(), row, 0, tensor.cols());
            for (int i = 0; i < input.length; i++) {
                double sum = 0;
                for (int j = 0; j < row.length; j++) {
                    sum += Math.abs(row[j] * input[i][j]);
                }
                out[i][r] = (float) sum;
            }
        }
        return out;
    }

    /** Every element within {@code relative · max(1, |expected|)}. */
    static void assertClose(float[][] actual, float[][] expected, float relative, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("%s [%d][%d]", what, i, j)
                        .isCloseTo(expected[i][j], within(relative * Math.max(1f, Math.abs(expected[i][j]))));
            }
        }
    }
}
