package dev.specula.engine.model;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Splitting Phi-3's fused matrices into their parts' rows. */
class FusedWeightsTest {

    @Test
    void splitRows_q8Matrix_givesEachPartItsRowsInOrder() {
        // 5 rows of 32 columns (one Q8_0 block each); row r holds the value r everywhere (to Q8_0's f16 scale).
        float[] values = new float[5 * 32];
        for (int i = 0; i < values.length; i++) {
            values[i] = i / 32;
        }
        WeightTensor fused = new WeightTensor("blk.0.attn_qkv.weight", GgmlType.Q8_0, new long[] {32, 5},
                MemorySegment.ofArray(TensorCodec.quantize(GgmlType.Q8_0, values)));

        List<WeightTensor> parts = FusedWeights.splitRows(fused, List.of("q", "k", "v"), 2, 1, 2);

        assertThat(parts).extracting(WeightTensor::name).containsExactly("q", "k", "v");
        assertThat(parts).extracting(WeightTensor::rows).containsExactly(2, 1, 2);
        assertThat(firstColumn(parts.get(0))).containsExactly(new float[] {0f, 1f}, within(1e-3f));
        assertThat(firstColumn(parts.get(1))).containsExactly(new float[] {2f}, within(1e-3f));
        assertThat(firstColumn(parts.get(2))).containsExactly(new float[] {3f, 4f}, within(1e-3f));
    }

    @Test
    void splitRows_partsNotSummingToTheRows_isRefusedNamingTheTensor() {
        WeightTensor fused = new WeightTensor("blk.3.ffn_up.weight", GgmlType.F32, new long[] {4, 6},
                MemorySegment.ofArray(new byte[4 * 4 * 6]));
        assertThatThrownBy(() -> FusedWeights.splitRows(fused, List.of("gate", "up"), 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.3.ffn_up.weight")
                .hasMessageContaining("expected: a matrix of 4 rows");
    }

    private static float[] firstColumn(WeightTensor t) {
        float[] row = new float[t.cols()];
        float[] column = new float[t.rows()];
        for (int r = 0; r < t.rows(); r++) {
            TensorCodec.dequantize(t.type(), t.data(), (long) r * t.cols(), row, 0, t.cols());
            column[r] = row[0];
        }
        return column;
    }
}
