package dev.specula.engine.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The K-quant decoder on hand-built blocks; {@link KQuantFixtureTest} checks Q2_K to Q6_K against llama.cpp's own
 * decoding of real files, which hold no Q8_K (llama.cpp uses it for activations only).
 */
class KQuantCodecTest {

    @Test
    void dequantize_q8kBlock_isScaleTimesQuant() {
        byte[] block = new byte[GgmlType.Q8_K.bytesPerBlock()];
        MemorySegment seg = MemorySegment.ofArray(block);
        seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 0.5f);
        for (int i = 0; i < 256; i++) {
            block[4 + i] = (byte) (i - 128);
        }
        float[] values = new float[256];
        TensorCodec.dequantize(GgmlType.Q8_K, seg, 0, values, 0, 256);
        for (int i = 0; i < 256; i++) {
            assertThat(values[i]).as("value %d", i).isEqualTo(0.5f * (i - 128));
        }
    }

    @Test
    void k4ScaleAndMin_upperFourSubBlocks_takeTheirHighBitsFromTheFirstEightBytes() {
        // Sub-block 5: scale = low nibble of byte 9 | (byte 1 >> 6) << 4; min = high nibble of byte 9 | (byte 5 >> 6) << 4.
        byte[] scales = new byte[12];
        scales[1] = (byte) 0b10_000000;
        scales[5] = (byte) 0b01_000000;
        scales[9] = (byte) 0x3A;
        MemorySegment seg = MemorySegment.ofArray(scales);
        assertThat(KQuantCodec.k4Scale(seg, 0, 5)).isEqualTo(0xA | 2 << 4);
        assertThat(KQuantCodec.k4Min(seg, 0, 5)).isEqualTo(0x3 | 1 << 4);
        assertThat(KQuantCodec.k4Scale(seg, 0, 1)).isEqualTo(0); // byte 1 & 63
        assertThat(KQuantCodec.k4Min(seg, 0, 1)).isEqualTo(0); // byte 5 & 63
    }

    @Test
    void quantize_kQuant_isRefusedNamingTheType() {
        assertThatThrownBy(() -> TensorCodec.quantize(GgmlType.Q4_K, new float[256]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q4_K").hasMessageContaining("llama-quantize");
    }
}
