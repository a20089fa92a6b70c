package dev.specula.engine.kernel.cpu;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.KQuantCodec;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Dot products straight from K-quant super-blocks (layouts in {@link KQuantCodec}), for decode (one token), as
 * {@link QuantizedDot} does for Q8_0 and Q4_0: a sub-block's quants are unpacked and widened to floats in registers
 * and multiplied into the input, and the sub-block's scale is applied once to its sum. The mins of Q2_K, Q4_K and
 * Q5_K ({@code value = d·sc·q − dmin·m}) are applied as {@code dmin·m · Σx} over the sub-block, from
 * {@link #sums16}, the input's sums per 16 values, computed once per matmul (llama.cpp's {@code bsums}).
 */
final class KQuantDot {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int SUPER = KQuantCodec.SUPER_BLOCK;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KQuantDot() {
    }

    /** Whether this machine's vectors (8 or 16 lanes) split every 16-value sub-block evenly. */
    static boolean supported() {
        return F.length() >= 8 && 16 % F.length() == 0;
    }

    /** The sums of {@code x[xOff, xOff + len)} per 16 values: {@code [len / 16]}. */
    static float[] sums16(float[] x, int xOff, int len) {
        float[] sums = new float[len / 16];
        for (int s = 0; s < sums.length; s++) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < 16; j += F.length()) {
                acc = acc.add(FloatVector.fromArray(F, x, xOff + s * 16 + j));
            }
            sums[s] = acc.reduceLanes(VectorOperators.ADD);
        }
        return sums;
    }

    /**
     * {@code Σ w[j] * x[xOff + j]} over the {@code len} (a multiple of 256) values of {@code type} stored from
     * {@code byteOff}; {@code sums16} is {@link #sums16}{@code (x, xOff, len)} (read by the types with mins). One loop
     * over the blocks per type keeps the running sum in a register (a vector passed between calls would be boxed).
     */
    static float dot(GgmlType type, MemorySegment w, long byteOff, float[] x, int xOff, float[] sums16, int len) {
        int blocks = len / SUPER;
        return switch (type) {
            case Q2_K -> q2(w, byteOff, x, xOff, blocks) - q2Mins(w, byteOff, sums16, blocks);
            case Q3_K -> q3(w, byteOff, x, xOff, blocks);
            case Q4_K -> q4(w, byteOff, x, xOff, blocks) - k4Mins(w, byteOff, 144, sums16, blocks);
            case Q5_K -> q5(w, byteOff, x, xOff, blocks) - k4Mins(w, byteOff, 176, sums16, blocks);
            case Q6_K -> q6(w, byteOff, x, xOff, blocks);
            case Q8_K -> q8(w, byteOff, x, xOff, blocks);
            default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
        };
    }

    /** Q2_K, without its mins: per half of 128 values, 32 bytes hold 4 values each (bits 2j serve values 32j + l). */
    private static float q2(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 84L;
            float d = KQuantCodec.f16(w, block + 80);
            for (int sub = 0; sub < 16; sub++) { // 16 values each: half, shift j and l0 from the sub-block number
                int half = sub / 8;
                int j = (sub % 8) / 2;
                int l0 = (sub % 2) * 16;
                FloatVector part = FloatVector.zero(F);
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector q = VectorDecode.bytes(w, block + 16 + half * 32 + l).lanewise(LSHR, 2 * j).and((byte) 3);
                    part = VectorDecode.floats(q).fma(FloatVector.fromArray(F, x, xOff + b * SUPER + sub * 16 + l - l0),
                            part);
                }
                sum = addScaled(part, d * (u8(w, block + sub) & 0xF), sum);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Q2_K's mins: {@code Σ dmin·m · Σx} over the sub-blocks of 16. */
    private static float q2Mins(MemorySegment w, long byteOff, float[] sums16, int blocks) {
        float mins = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 84L;
            float dmin = KQuantCodec.f16(w, block + 82);
            for (int sub = 0; sub < 16; sub++) {
                mins += dmin * (u8(w, block + sub) >>> 4) * sums16[b * 16 + sub];
            }
        }
        return mins;
    }

    /** Q3_K: Q2_K's 2-bit layout, with the third bit from {@code hmask} (bit {@code 4·half + j} of byte l). */
    private static float q3(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 110L;
            float d = KQuantCodec.f16(w, block + 108);
            for (int sub = 0; sub < 16; sub++) {
                int half = sub / 8;
                int j = (sub % 8) / 2;
                int l0 = (sub % 2) * 16;
                FloatVector part = FloatVector.zero(F);
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector high = VectorDecode.bytes(w, block + l).lanewise(LSHR, half * 4 + j).and((byte) 1)
                            .lanewise(LSHL, 2);
                    ByteVector q = VectorDecode.bytes(w, block + 32 + half * 32 + l).lanewise(LSHR, 2 * j).and((byte) 3)
                            .or(high).sub((byte) 4);
                    part = VectorDecode.floats(q).fma(FloatVector.fromArray(F, x, xOff + b * SUPER + sub * 16 + l - l0),
                            part);
                }
                sum = addScaled(part, d * (KQuantCodec.q3Scale(w, block + 96, sub) - 32), sum);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Q4_K, without its mins: per 64 values, 32 bytes whose low nibbles serve the first 32, high nibbles the next. */
    private static float q4(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 144L;
            float d = KQuantCodec.f16(w, block);
            for (int chunk = 0; chunk < 4; chunk++) {
                FloatVector low = FloatVector.zero(F);
                FloatVector high = FloatVector.zero(F);
                int xc = xOff + b * SUPER + chunk * 64;
                for (int l = 0; l < 32; l += F.length()) {
                    ByteVector packed = VectorDecode.bytes(w, block + 16 + chunk * 32 + l);
                    low = VectorDecode.floats(packed.and((byte) 0xF)).fma(FloatVector.fromArray(F, x, xc + l), low);
                    high = VectorDecode.floats(packed.lanewise(LSHR, 4).and((byte) 0xF))
                            .fma(FloatVector.fromArray(F, x, xc + 32 + l), high);
                }
                sum = addScaled(low, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk), sum);
                sum = addScaled(high, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk + 1), sum);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Q5_K, without its mins: Q4_K's nibbles, with the fifth bit from {@code qh} (bit {@code sub} of byte l). */
    private static float q5(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 176L;
            float d = KQuantCodec.f16(w, block);
            for (int chunk = 0; chunk < 4; chunk++) {
                FloatVector low = FloatVector.zero(F);
                FloatVector high = FloatVector.zero(F);
                int xc = xOff + b * SUPER + chunk * 64;
                for (int l = 0; l < 32; l += F.length()) {
                    ByteVector packed = VectorDecode.bytes(w, block + 48 + chunk * 32 + l);
                    ByteVector qh = VectorDecode.bytes(w, block + 16 + l);
                    ByteVector lo = packed.and((byte) 0xF).or(qh.lanewise(LSHR, 2 * chunk).and((byte) 1).lanewise(LSHL, 4));
                    ByteVector hi = packed.lanewise(LSHR, 4).and((byte) 0xF)
                            .or(qh.lanewise(LSHR, 2 * chunk + 1).and((byte) 1).lanewise(LSHL, 4));
                    low = VectorDecode.floats(lo).fma(FloatVector.fromArray(F, x, xc + l), low);
                    high = VectorDecode.floats(hi).fma(FloatVector.fromArray(F, x, xc + 32 + l), high);
                }
                sum = addScaled(low, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk), sum);
                sum = addScaled(high, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk + 1), sum);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Q4_K's and Q5_K's mins ({@code blockBytes} 144 or 176): {@code Σ dmin·m · Σx} over the sub-blocks of 32. */
    private static float k4Mins(MemorySegment w, long byteOff, int blockBytes, float[] sums16, int blocks) {
        float mins = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + (long) b * blockBytes;
            float dmin = KQuantCodec.f16(w, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int s = b * 16 + 2 * sub;
                mins += dmin * KQuantCodec.k4Min(w, block + 4, sub) * (sums16[s] + sums16[s + 1]);
            }
        }
        return mins;
    }

    /**
     * Q6_K: per half of 128 values, {@code ql[64]} and {@code qh[32]}; quarter k of the half takes the low (k < 2) or
     * high nibbles of {@code ql[32·(k % 2) + l]} and bits {@code 2k} of {@code qh[l]}.
     */
    private static float q6(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 210L;
            float d = KQuantCodec.f16(w, block + 208);
            for (int sub = 0; sub < 16; sub++) {
                int half = sub / 8;
                int k = (sub % 8) / 2;
                int l0 = (sub % 2) * 16;
                long ql = block + half * 64 + (k % 2) * 32;
                long qh = block + 128 + half * 32;
                FloatVector part = FloatVector.zero(F);
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector high = VectorDecode.bytes(w, qh + l).lanewise(LSHR, 2 * k).and((byte) 3).lanewise(LSHL, 4);
                    ByteVector q = VectorDecode.bytes(w, ql + l).lanewise(LSHR, (k / 2) * 4).and((byte) 0xF).or(high)
                            .sub((byte) 32);
                    part = VectorDecode.floats(q).fma(FloatVector.fromArray(F, x, xOff + b * SUPER + sub * 16 + l - l0),
                            part);
                }
                sum = addScaled(part, d * w.get(ValueLayout.JAVA_BYTE, block + 192 + sub), sum);
            }
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    private static float q8(MemorySegment w, long byteOff, float[] x, int xOff, int blocks) {
        FloatVector sum = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = byteOff + b * 292L;
            FloatVector part = FloatVector.zero(F);
            for (int j = 0; j < SUPER; j += F.length()) {
                FloatVector q = VectorDecode.floats(VectorDecode.bytes(w, block + 4 + j));
                part = q.fma(FloatVector.fromArray(F, x, xOff + b * SUPER + j), part);
            }
            sum = addScaled(part, w.get(F32, block), sum);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** {@code sum + part · scale}, lane by lane. */
    private static FloatVector addScaled(FloatVector part, float scale, FloatVector sum) {
        return part.fma(FloatVector.broadcast(F, scale), sum);
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
