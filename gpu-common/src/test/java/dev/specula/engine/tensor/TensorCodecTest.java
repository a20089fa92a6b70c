package dev.specula.engine.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorCodecTest {

    private static final int N = 32 * 16;

    @Test
    void roundTrip_f32_isExact() {
        float[] values = values(1);
        assertThat(roundTrip(GgmlType.F32, values)).containsExactly(values);
    }

    @Test
    void roundTrip_f16_withinRelative1e3() {
        float[] values = values(2);
        float[] back = roundTrip(GgmlType.F16, values);
        for (int i = 0; i < N; i++) {
            assertThat(Math.abs(back[i] - values[i])).as("element %d", i).isLessThanOrEqualTo(1e-3f * Math.abs(values[i]));
        }
    }

    @Test
    void roundTrip_bf16_withinRelative1e2() {
        float[] values = values(3);
        float[] back = roundTrip(GgmlType.BF16, values);
        for (int i = 0; i < N; i++) {
            assertThat(Math.abs(back[i] - values[i])).as("element %d", i).isLessThanOrEqualTo(1e-2f * Math.abs(values[i]));
        }
    }

    @Test
    void roundTrip_q8_0_withinHalfAStepPerBlock() {
        float[] values = values(4);
        float[] back = roundTrip(GgmlType.Q8_0, values);
        for (int b = 0; b < N / 32; b++) {
            float amax = blockAmax(values, b);
            // Half a quantization step, plus the rounding of the scale to f16 (at most 127 * 2^-11 of a step).
            float tolerance = amax / 127f / 2f + amax * 1e-3f;
            for (int j = b * 32; j < b * 32 + 32; j++) {
                assertThat(Math.abs(back[j] - values[j])).as("element %d", j).isLessThanOrEqualTo(tolerance);
            }
        }
    }

    @Test
    void roundTrip_q4_0_withinOneStepPerBlock() {
        float[] values = values(5);
        float[] back = roundTrip(GgmlType.Q4_0, values);
        for (int b = 0; b < N / 32; b++) {
            float scale = blockAmax(values, b) / 8f;
            for (int j = b * 32; j < b * 32 + 32; j++) {
                assertThat(Math.abs(back[j] - values[j])).as("element %d", j).isLessThanOrEqualTo(scale * 1.001f);
            }
        }
    }

    @Test
    void roundTrip_blockTypes_keepZeroBlocksZero() {
        float[] zeros = new float[64];
        for (GgmlType type : new GgmlType[]{GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (float v : roundTrip(type, zeros)) {
                assertThat(v == 0f).as("%s of 0 gives %s", type, v).isTrue(); // -0.0 is fine
            }
        }
    }

    @Test
    void quantize_q4_0_largestMagnitudeIsExact() {
        float[] values = new float[32];
        values[7] = -3.5f;
        values[8] = 1f;
        assertThat(roundTrip(GgmlType.Q4_0, values)[7]).isEqualTo(-3.5f);
    }

    @Test
    void quantize_countNotMultipleOfBlock_isRejected() {
        assertThatThrownBy(() -> TensorCodec.quantize(GgmlType.Q8_0, new float[33]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("33")
                .hasMessageContaining("32");
    }

    @Test
    void dequantize_fromOffset_readsTheRightBlocks() {
        float[] values = values(6);
        byte[] bytes = TensorCodec.quantize(GgmlType.Q8_0, values);
        float[] all = new float[N];
        TensorCodec.dequantize(GgmlType.Q8_0, MemorySegment.ofArray(bytes), 0, all, 0, N);
        float[] part = new float[64];
        TensorCodec.dequantize(GgmlType.Q8_0, MemorySegment.ofArray(bytes), 96, part, 0, 64);
        for (int i = 0; i < 64; i++) {
            assertThat(part[i]).isEqualTo(all[96 + i]);
        }
    }

    /** Values of magnitude 1e-3 to 10 with either sign: the range where relative tolerances are meaningful. */
    private static float[] values(long seed) {
        Random random = new Random(seed);
        float[] values = new float[N];
        for (int i = 0; i < N; i++) {
            float magnitude = (float) Math.pow(10, -3 + 4 * random.nextDouble());
            values[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        return values;
    }

    private static float[] roundTrip(GgmlType type, float[] values) {
        byte[] bytes = TensorCodec.quantize(type, values);
        assertThat((long) bytes.length).isEqualTo(type.bytesFor(values.length));
        float[] back = new float[values.length];
        TensorCodec.dequantize(type, MemorySegment.ofArray(bytes), 0, back, 0, values.length);
        return back;
    }

    private static float blockAmax(float[] values, int block) {
        float amax = 0;
        for (int j = block * 32; j < block * 32 + 32; j++) {
            amax = Math.max(amax, Math.abs(values[j]));
        }
        return amax;
    }
}
