package dev.specula.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Converts between floats and the stored bytes of every {@link GgmlType}: the scalar reference that the
 * kernels are tested against, and the quantizer the GGUF writer uses (the same rounding as llama.cpp).
 */
public final class TensorCodec {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorCodec() {
    }

    /**
     * Decodes {@code count} values starting at element {@code first} of {@code data} into {@code dst}.
     * For block types both {@code first} and {@code count} must be multiples of the block size.
     */
    public static void dequantize(GgmlType type, MemorySegment data, long first, float[] dst, int dstOffset, int count) {
        checkBlockAligned(type, first, count);
        switch (type) {
            case F32 -> MemorySegment.copy(data, F32, first * 4, dst, dstOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.float16ToFloat(data.get(I16, (first + i) * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = bf16ToFloat(data.get(I16, (first + i) * 2));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long block = (first / 32 + b) * 34;
                    float scale = Float.float16ToFloat(data.get(I16, block));
                    for (int j = 0; j < 32; j++) {
                        dst[dstOffset + b * 32 + j] = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * scale;
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < count / 32; b++) {
                    long block = (first / 32 + b) * 18;
                    float scale = Float.float16ToFloat(data.get(I16, block));
                    for (int j = 0; j < 16; j++) {
                        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xFF;
                        dst[dstOffset + b * 32 + j] = ((packed & 0x0F) - 8) * scale;
                        dst[dstOffset + b * 32 + j + 16] = ((packed >>> 4) - 8) * scale;
                    }
                }
            }
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K -> KQuantCodec.dequantize(type, data,
                    type.bytesFor(first), dst, dstOffset, count / type.blockSize());
        }
    }

    /**
     * Encodes {@code values} (a multiple of the block size long) as {@code type}, little-endian. Only
     * {@linkplain GgmlType#encodable() encodable} types: K-quants are read, not written.
     */
    public static byte[] quantize(GgmlType type, float[] values) {
        if (!type.encodable()) {
            throw new IllegalArgumentException("type: " + type + " (expected: one of F32, F16, BF16, Q8_0, Q4_0;"
                    + " the engine reads K-quants but does not write them: quantize with llama.cpp's llama-quantize)");
        }
        checkBlockAligned(type, 0, values.length);
        byte[] out = new byte[Math.toIntExact(type.bytesFor(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        switch (type) {
            case F32 -> MemorySegment.copy(values, 0, seg, F32, 0, values.length);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    seg.set(I16, i * 2L, Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    seg.set(I16, i * 2L, floatToBf16(values[i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < values.length / 32; b++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(values[b * 32 + j]));
                    }
                    float scale = amax / 127f;
                    float inverse = scale != 0 ? 1f / scale : 0f;
                    seg.set(I16, b * 34L, Float.floatToFloat16(scale));
                    for (int j = 0; j < 32; j++) {
                        out[b * 34 + 2 + j] = (byte) Math.round(values[b * 32 + j] * inverse);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < values.length / 32; b++) {
                    // The value of largest magnitude maps to -8 exactly, keeping its sign (llama.cpp's choice).
                    float max = 0;
                    for (int j = 0; j < 32; j++) {
                        float v = values[b * 32 + j];
                        if (Math.abs(v) > Math.abs(max)) {
                            max = v;
                        }
                    }
                    float scale = max / -8f;
                    float inverse = scale != 0 ? 1f / scale : 0f;
                    seg.set(I16, b * 18L, Float.floatToFloat16(scale));
                    for (int j = 0; j < 16; j++) {
                        int lo = Math.min(15, (int) (values[b * 32 + j] * inverse + 8.5f));
                        int hi = Math.min(15, (int) (values[b * 32 + j + 16] * inverse + 8.5f));
                        out[b * 18 + 2 + j] = (byte) (lo | (hi << 4));
                    }
                }
            }
            default -> throw new AssertionError(type); // refused above
        }
        return out;
    }

    /** bfloat16 bits to float: the bits are the top half of an IEEE float. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float to bfloat16 bits, rounding to nearest even (NaN stays NaN). */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static void checkBlockAligned(GgmlType type, long first, long count) {
        if (first % type.blockSize() != 0 || count % type.blockSize() != 0) {
            throw new IllegalArgumentException("first " + first + ", count " + count
                    + " (expected: multiples of the " + type + " block size " + type.blockSize() + ")");
        }
    }
}
