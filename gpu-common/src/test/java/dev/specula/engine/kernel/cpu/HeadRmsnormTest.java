package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Qwen3's QK-norm: RMSNorm of each head of a row with one shared gain, checked by hand on both CPU backends. */
class HeadRmsnormTest {

    @Test
    void headRmsnorm_twoRowsOfTwoHeads_normalisesEachHeadWithTheSharedGain() {
        try (Backend vector = new VectorBackend(2)) {
            for (Backend backend : new Backend[] {new NaiveBackend(), vector}) {
                DeviceBuffer x = backend.allocate(3, 4); // [rows, heads * headSize] = [3, 2 * 2]
                backend.write(x, 0, new float[] {3, 4, 1, 1});
                backend.write(x, 1, new float[] {0, 2, -6, 8});
                backend.write(x, 2, new float[] {5, 5, 5, 5}); // beyond n: untouched
                DeviceWeight gain = backend.load(vector("gain", 2, 0.5f));

                backend.headRmsnorm(x, gain, 0f, 2, 2);

                // Head [3, 4]: rms = sqrt((9 + 16) / 2) = 3.5355; [1, 1]: rms 1; [0, 2]: rms sqrt(2); [-6, 8]: sqrt(50).
                float r1 = (float) Math.sqrt(12.5);
                assertRow(backend, x, 0, 3 / r1, 4 / r1 * 0.5f, 1, 0.5f);
                assertRow(backend, x, 1, 0, 2 / (float) Math.sqrt(2) * 0.5f, -6 / (float) Math.sqrt(50),
                        8 / (float) Math.sqrt(50) * 0.5f);
                assertRow(backend, x, 2, 5, 5, 5, 5);
            }
        }
    }

    @Test
    void headRmsnorm_gainOfAnotherWidth_isRefusedNamingHeadSize() {
        NaiveBackend backend = new NaiveBackend();
        DeviceBuffer x = backend.allocate(1, 6);
        DeviceWeight gain = backend.load(vector("gain", 4, 1f));
        assertThatThrownBy(() -> backend.headRmsnorm(x, gain, 1e-6f, 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headSize 4 dividing the row width");
    }

    /** A gain {@code [1, second]}: the first element 1, the second {@code second}. */
    private static WeightTensor vector(String name, int size, float second) {
        float[] values = new float[size];
        java.util.Arrays.fill(values, 1f);
        values[1] = second;
        return new WeightTensor(name, GgmlType.F32, new long[] {size},
                MemorySegment.ofArray(TensorCodec.quantize(GgmlType.F32, values)));
    }

    private static void assertRow(Backend backend, DeviceBuffer x, int row, float... expected) {
        float[] actual = new float[expected.length];
        backend.read(x, row, actual);
        for (int j = 0; j < expected.length; j++) {
            assertThat(actual[j]).as("%s row %d column %d", backend.name(), row, j).isCloseTo(expected[j], within(1e-6f));
        }
    }
}
