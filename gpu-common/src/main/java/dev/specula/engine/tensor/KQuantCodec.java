package dev.specula.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Decodes llama.cpp's K-quant super-blocks (256 values each) to floats, exactly as {@code ggml-quants.c}'s
 * {@code dequantize_row_*} and gguf-py's {@code quants.py} do: the same layouts, and the same float products in the
 * same order, so decoded values equal llama.cpp's bit for bit. Layouts, with byte offsets within a block:
 * <ul>
 *   <li>Q2_K (84): {@code scales[16]} at 0 (low nibble scale, high nibble min, per 16 values), {@code qs[64]} at 16
 *       (2-bit quants), f16 {@code d} at 80, f16 {@code dmin} at 82; value {@code d·sc·q − dmin·m}.
 *   <li>Q3_K (110): {@code hmask[32]} at 0 (the quants' third bit), {@code qs[64]} at 32 (low 2 bits), 16 6-bit
 *       scales packed in 12 bytes at 96, f16 {@code d} at 108; value {@code d·(sc − 32)·(q − 4·!hbit)}.
 *   <li>Q4_K (144): f16 {@code d} at 0, f16 {@code dmin} at 2, 8 6-bit scales and 8 6-bit mins packed in 12 bytes
 *       at 4, {@code qs[128]} at 16 (4-bit quants, per 32 values); value {@code d·sc·q − dmin·m}.
 *   <li>Q5_K (176): as Q4_K, with {@code qh[32]} at 16 (the quants' fifth bit) and {@code qs[128]} at 48.
 *   <li>Q6_K (210): {@code ql[128]} at 0 (low 4 bits), {@code qh[64]} at 128 (high 2 bits), int8 {@code scales[16]}
 *       at 192 (per 16 values), f16 {@code d} at 208; value {@code d·sc·(q − 32)}.
 *   <li>Q8_K (292): f32 {@code d} at 0, int8 {@code qs[256]} at 4, int16 {@code bsums[16]} at 260 (sums of 16
 *       quants, unused for decoding); value {@code d·q}.
 * </ul>
 * Within a block, values come in halves of 128 (Q2_K, Q3_K, Q6_K) or quarters of 64 (Q4_K, Q5_K) that read the same
 * 32 quant bytes at different bit shifts; {@link #quantIndex} and friends name which bits serve value {@code i}.
 */
public final class KQuantCodec {

    /** Values per super-block, {@code QK_K}. */
    public static final int SUPER_BLOCK = 256;

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KQuantCodec() {
    }

    /** Decodes {@code blocks} super-blocks of {@code type}, the first at byte {@code byteOff}, into {@code dst}. */
    public static void dequantize(GgmlType type, MemorySegment data, long byteOff, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + (long) b * type.bytesPerBlock();
            int out = dstOffset + b * SUPER_BLOCK;
            switch (type) {
                case Q2_K -> q2(data, block, dst, out);
                case Q3_K -> q3(data, block, dst, out);
                case Q4_K -> q4(data, block, dst, out);
                case Q5_K -> q5(data, block, dst, out);
                case Q6_K -> q6(data, block, dst, out);
                case Q8_K -> q8(data, block, dst, out);
                default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
            }
        }
    }

    private static void q2(MemorySegment w, long block, float[] dst, int out) {
        float d = f16(w, block + 80);
        float dmin = f16(w, block + 82);
        for (int sub = 0; sub < 16; sub++) {
            int sc = u8(w, block + sub);
            float dl = d * (sc & 0xF);
            float ml = dmin * (sc >>> 4);
            for (int l = 0; l < 16; l++) {
                int i = sub * 16 + l;
                int q = (u8(w, block + 16 + quantByte(i)) >>> twoBitShift(i)) & 3;
                dst[out + i] = dl * q - ml;
            }
        }
    }

    private static void q3(MemorySegment w, long block, float[] dst, int out) {
        float d = f16(w, block + 108);
        for (int sub = 0; sub < 16; sub++) {
            float dl = d * (q3Scale(w, block + 96, sub) - 32);
            for (int l = 0; l < 16; l++) {
                int i = sub * 16 + l;
                int low = (u8(w, block + 32 + quantByte(i)) >>> twoBitShift(i)) & 3;
                int high = (u8(w, block + i % 32) >>> (i / 32)) & 1; // hmask bit i / 32 of byte i % 32
                dst[out + i] = dl * (low - (high == 0 ? 4 : 0));
            }
        }
    }

    private static void q4(MemorySegment w, long block, float[] dst, int out) {
        float d = f16(w, block);
        float dmin = f16(w, block + 2);
        for (int sub = 0; sub < 8; sub++) {
            float dl = d * k4Scale(w, block + 4, sub);
            float ml = dmin * k4Min(w, block + 4, sub);
            for (int l = 0; l < 32; l++) {
                int i = sub * 32 + l;
                int q = (u8(w, block + 16 + nibbleByte(i)) >>> nibbleShift(i)) & 0xF;
                dst[out + i] = dl * q - ml;
            }
        }
    }

    private static void q5(MemorySegment w, long block, float[] dst, int out) {
        float d = f16(w, block);
        float dmin = f16(w, block + 2);
        for (int sub = 0; sub < 8; sub++) {
            float dl = d * k4Scale(w, block + 4, sub);
            float ml = dmin * k4Min(w, block + 4, sub);
            for (int l = 0; l < 32; l++) {
                int i = sub * 32 + l;
                int low = (u8(w, block + 48 + nibbleByte(i)) >>> nibbleShift(i)) & 0xF;
                int high = (u8(w, block + 16 + i % 32) >>> sub) & 1; // qh bit sub of byte i % 32
                dst[out + i] = dl * (low | high << 4) - ml;
            }
        }
    }

    private static void q6(MemorySegment w, long block, float[] dst, int out) {
        float d = f16(w, block + 208);
        for (int sub = 0; sub < 16; sub++) {
            float dl = d * w.get(ValueLayout.JAVA_BYTE, block + 192 + sub);
            for (int l = 0; l < 16; l++) {
                int i = sub * 16 + l;
                dst[out + i] = dl * (q6Quant(w, block, i) - 32);
            }
        }
    }

    private static void q8(MemorySegment w, long block, float[] dst, int out) {
        float d = w.get(F32, block);
        for (int i = 0; i < SUPER_BLOCK; i++) {
            dst[out + i] = d * w.get(ValueLayout.JAVA_BYTE, block + 4 + i);
        }
    }

    /** For Q2_K and Q3_K: the byte of the 64 quant bytes holding value {@code i}'s 2 bits. */
    public static int quantByte(int i) {
        return i / 128 * 32 + i % 32;
    }

    /** For Q2_K and Q3_K: the bit shift of value {@code i}'s 2 bits in its {@link #quantByte}. */
    public static int twoBitShift(int i) {
        return (i % 128) / 32 * 2;
    }

    /** For Q4_K and Q5_K: the byte of the 128 quant bytes holding value {@code i}'s 4 bits. */
    public static int nibbleByte(int i) {
        return i / 64 * 32 + i % 32;
    }

    /** For Q4_K and Q5_K: 0 for the low nibble, 4 for the high one. */
    public static int nibbleShift(int i) {
        return (i % 64) / 32 * 4;
    }

    /** Q6_K's unsigned 6-bit quant of value {@code i} (0..63): 4 bits from {@code ql}, 2 from {@code qh}. */
    static int q6Quant(MemorySegment w, long block, int i) {
        int half = i / 128;
        int l = i % 32;
        int quarter = (i % 128) / 32; // 0..3: ql[l] low, ql[l+32] low, ql[l] high, ql[l+32] high
        int low = (u8(w, block + half * 64 + l + (quarter % 2) * 32) >>> (quarter / 2 * 4)) & 0xF;
        int high = (u8(w, block + 128 + half * 32 + l) >>> (quarter * 2)) & 3;
        return low | high << 4;
    }

    /**
     * Q3_K's 6-bit scale {@code sub} (0..15, still offset by 32) from the 12 packed bytes at {@code scalesOff}: its low
     * 4 bits are nibble {@code sub / 8} of byte {@code sub % 8}, its high 2 bits are bits {@code 2·(sub / 4)} of byte
     * {@code 8 + sub % 4}.
     */
    public static int q3Scale(MemorySegment w, long scalesOff, int sub) {
        int low = (u8(w, scalesOff + sub % 8) >>> (sub / 8 * 4)) & 0xF;
        int high = (u8(w, scalesOff + 8 + sub % 4) >>> (sub / 4 * 2)) & 3;
        return low | high << 4;
    }

    /** Q4_K's and Q5_K's 6-bit scale {@code sub} (0..7) from the 12 packed bytes at {@code scalesOff}. */
    public static int k4Scale(MemorySegment w, long scalesOff, int sub) {
        return sub < 4 ? u8(w, scalesOff + sub) & 63
                : (u8(w, scalesOff + sub + 4) & 0xF) | (u8(w, scalesOff + sub - 4) >>> 6) << 4;
    }

    /** Q4_K's and Q5_K's 6-bit min {@code sub} (0..7) from the 12 packed bytes at {@code scalesOff}. */
    public static int k4Min(MemorySegment w, long scalesOff, int sub) {
        return sub < 4 ? u8(w, scalesOff + sub + 4) & 63
                : (u8(w, scalesOff + sub + 4) >>> 4) | (u8(w, scalesOff + sub) >>> 6) << 4;
    }

    /** The f16 at {@code off}, as a float. */
    public static float f16(MemorySegment w, long off) {
        return Float.float16ToFloat(w.get(I16, off));
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
