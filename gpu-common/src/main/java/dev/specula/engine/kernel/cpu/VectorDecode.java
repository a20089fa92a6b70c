package dev.specula.engine.kernel.cpu;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Decodes a row of stored weights into floats with the Vector API, so that matmul can run its float inner
 * loop on any element type. Results equal {@link dev.specula.engine.tensor.TensorCodec#dequantize} except
 * that F16 infinities and NaNs are not preserved (weights have none). Its Q8_0 and Q4_0 block readers
 * ({@link #blockScale}, {@link #q8Quants}, {@link #q4Low}, ...) also serve {@link QuantizedDot}.
 */
final class VectorDecode {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.length() * 16));
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, F.length() * 8)));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    // 2^112 moves an F16 exponent (bias 15) into F32's (bias 127), subnormals included.
    private static final float F16_EXPONENT_SHIFT = 0x1p112f;

    private VectorDecode() {
    }

    /** Writes the {@code len} values stored from byte {@code byteOff} of {@code w} into {@code dst[0, len)}. */
    static void row(GgmlType type, MemorySegment w, long byteOff, float[] dst, int len) {
        if (F.length() < 8 && type.blockSize() > 1) {
            // Block kernels below load at least 8 quants at a time; narrower machines take the scalar path.
            TensorCodec.dequantize(type, w, byteOff / type.bytesPerBlock() * type.blockSize(), dst, 0, len);
            return;
        }
        switch (type) {
            case F32 -> MemorySegment.copy(w, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE), byteOff, dst, 0, len);
            case F16 -> f16(w, byteOff, dst, len);
            case BF16 -> bf16(w, byteOff, dst, len);
            case Q8_0 -> q8(w, byteOff, dst, len);
            case Q4_0 -> q4(w, byteOff, dst, len);
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K -> KQuantBlocks.decodeRow(type, w, byteOff, dst, len);
        }
    }

    private static void f16(MemorySegment w, long byteOff, float[] dst, int len) {
        int step = F.length();
        int j = 0;
        for (; j + step <= len; j += step) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, w, byteOff + 2L * j, LE)
                    .convertShape(VectorOperators.S2I, I, 0);
            IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            FloatVector magnitude = bits.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)
                    .reinterpretAsFloats().mul(F16_EXPONENT_SHIFT);
            magnitude.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(dst, j);
        }
        for (; j < len; j++) {
            dst[j] = Float.float16ToFloat(w.get(I16, byteOff + 2L * j));
        }
    }

    private static void bf16(MemorySegment w, long byteOff, float[] dst, int len) {
        int step = F.length();
        int j = 0;
        for (; j + step <= len; j += step) {
            ((IntVector) ShortVector.fromMemorySegment(S, w, byteOff + 2L * j, LE).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, j);
        }
        for (; j < len; j++) {
            dst[j] = Float.intBitsToFloat((w.get(I16, byteOff + 2L * j) & 0xFFFF) << 16);
        }
    }

    private static void q8(MemorySegment w, long byteOff, float[] dst, int len) {
        int step = F.length();
        for (int block = 0; block < len / 32; block++) {
            long off = byteOff + block * 34L;
            FloatVector scale = blockScale(w, off);
            for (int j = 0; j < 32; j += step) {
                q8Quants(w, off, j).mul(scale).intoArray(dst, block * 32 + j);
            }
        }
    }

    private static void q4(MemorySegment w, long byteOff, float[] dst, int len) {
        int step = F.length();
        for (int block = 0; block < len / 32; block++) {
            long off = byteOff + block * 18L;
            FloatVector scale = blockScale(w, off);
            // Bytes j hold element j (low nibble) and element j + 16 (high nibble).
            for (int j = 0; j < 16; j += step) {
                ByteVector packed = q4Packed(w, off, j);
                q4Low(packed).mul(scale).intoArray(dst, block * 32 + j);
                q4High(packed).mul(scale).intoArray(dst, block * 32 + 16 + j);
            }
        }
    }

    /** The scale of the Q8_0 or Q4_0 block at {@code blockOff}, in every lane. */
    static FloatVector blockScale(MemorySegment w, long blockOff) {
        return FloatVector.broadcast(F, Float.float16ToFloat(w.get(I16, blockOff)));
    }

    /** Quants {@code j .. j + lanes} of the Q8_0 block at {@code blockOff}, as floats (unscaled). */
    static FloatVector q8Quants(MemorySegment w, long blockOff, int j) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, blockOff + 2 + j, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /** Packed bytes {@code j .. j + lanes} of the Q4_0 block at {@code blockOff}. */
    static ByteVector q4Packed(MemorySegment w, long blockOff, int j) {
        return ByteVector.fromMemorySegment(B, w, blockOff + 2 + j, LE);
    }

    /** {@code F.length()} bytes from byte {@code off} of {@code w}: one float vector's worth of packed quants. */
    static ByteVector bytes(MemorySegment w, long off) {
        return ByteVector.fromMemorySegment(B, w, off, LE);
    }

    /** The (signed) bytes of {@code quants} as floats, one per lane. */
    static FloatVector floats(ByteVector quants) {
        return (FloatVector) quants.convertShape(VectorOperators.B2F, F, 0);
    }

    /** The low nibbles of {@code packed} (quants j ..), stored as value + 8, as floats (unscaled). */
    static FloatVector q4Low(ByteVector packed) {
        return (FloatVector) packed.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }

    /** The high nibbles of {@code packed} (quants j + 16 ..), stored as value + 8, as floats (unscaled). */
    static FloatVector q4High(ByteVector packed) {
        return q4Low(packed.lanewise(VectorOperators.LSHR, 4));
    }
}
