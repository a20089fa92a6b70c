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

    /** The sums of {@code x[0, len)} per 16 values: {@code [len / 16]}. */
    static float[] sums16(float[] x, int len) {
        float[] sums = new float[len / 16];
        for (int s = 0; s < sums.length; s++) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < 16; j += F.length()) {
                acc = acc.add(FloatVector.fromArray(F, x, s * 16 + j));
            }
            sums[s] = acc.reduceLanes(VectorOperators.ADD);
        }
        return sums;
    }

    /**
     * {@code Σ w[j] * x[j]} over the {@code len} (a multiple of 256) values of {@code type} stored from {@code byteOff};
     * {@code sums16} is {@link #sums16}{@code (x, len)} (read by the types with mins).
     */
    static float dot(GgmlType type, MemorySegment w, long byteOff, float[] x, float[] sums16, int len) {
        FloatVector sum = FloatVector.zero(F);
        float mins = 0f;
        for (int b = 0; b < len / SUPER; b++) {
            long block = byteOff + (long) b * type.bytesPerBlock();
            int xb = b * SUPER;
            switch (type) {
                case Q2_K -> {
                    sum = q2(w, block, x, xb, sum);
                    mins += q2Mins(w, block, sums16, xb / 16);
                }
                case Q3_K -> sum = q3(w, block, x, xb, sum);
                case Q4_K -> {
                    sum = q45(w, block, x, xb, sum, false);
                    mins += k4Mins(w, block, sums16, xb / 16);
                }
                case Q5_K -> {
                    sum = q45(w, block, x, xb, sum, true);
                    mins += k4Mins(w, block, sums16, xb / 16);
                }
                case Q6_K -> sum = q6(w, block, x, xb, sum);
                case Q8_K -> sum = q8(w, block, x, xb, sum);
                default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
            }
        }
        return sum.reduceLanes(VectorOperators.ADD) - mins;
    }

    /** Q2_K: per half of 128 values, 32 bytes hold 4 values each (bits 2j serve values 32j + l). */
    private static FloatVector q2(MemorySegment w, long block, float[] x, int xb, FloatVector sum) {
        float d = KQuantCodec.f16(w, block + 80);
        for (int half = 0; half < 2; half++) {
            for (int l0 = 0; l0 < 32; l0 += 16) { // the 16 values of one sub-block per shift
                FloatVector[] parts = {FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F)};
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector qs = VectorDecode.bytes(w, block + 16 + half * 32 + l);
                    for (int j = 0; j < 4; j++) {
                        FloatVector q = VectorDecode.floats(qs.lanewise(LSHR, 2 * j).and((byte) 3));
                        parts[j] = q.fma(FloatVector.fromArray(F, x, xb + half * 128 + j * 32 + l), parts[j]);
                    }
                }
                for (int j = 0; j < 4; j++) {
                    int sub = half * 8 + j * 2 + l0 / 16;
                    sum = addScaled(parts[j], d * (u8(w, block + sub) & 0xF), sum);
                }
            }
        }
        return sum;
    }

    private static float q2Mins(MemorySegment w, long block, float[] sums16, int s0) {
        float dmin = KQuantCodec.f16(w, block + 82);
        float mins = 0f;
        for (int sub = 0; sub < 16; sub++) {
            mins += dmin * (u8(w, block + sub) >>> 4) * sums16[s0 + sub];
        }
        return mins;
    }

    /** Q3_K: Q2_K's 2-bit layout, with the third bit from {@code hmask} (bit {@code 4·half + j} of byte l). */
    private static FloatVector q3(MemorySegment w, long block, float[] x, int xb, FloatVector sum) {
        float d = KQuantCodec.f16(w, block + 108);
        for (int half = 0; half < 2; half++) {
            for (int l0 = 0; l0 < 32; l0 += 16) {
                FloatVector[] parts = {FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F)};
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector qs = VectorDecode.bytes(w, block + 32 + half * 32 + l);
                    ByteVector hm = VectorDecode.bytes(w, block + l);
                    for (int j = 0; j < 4; j++) {
                        ByteVector high = hm.lanewise(LSHR, half * 4 + j).and((byte) 1).lanewise(LSHL, 2);
                        ByteVector q = qs.lanewise(LSHR, 2 * j).and((byte) 3).or(high).sub((byte) 4);
                        parts[j] = VectorDecode.floats(q).fma(FloatVector.fromArray(F, x, xb + half * 128 + j * 32 + l), parts[j]);
                    }
                }
                for (int j = 0; j < 4; j++) {
                    int sub = half * 8 + j * 2 + l0 / 16;
                    sum = addScaled(parts[j], d * (KQuantCodec.q3Scale(w, block + 96, sub) - 32), sum);
                }
            }
        }
        return sum;
    }

    /** Q4_K and Q5_K: per 64 values, 32 bytes whose low nibbles serve the first 32 and high nibbles the next 32. */
    private static FloatVector q45(MemorySegment w, long block, float[] x, int xb, FloatVector sum, boolean fifthBit) {
        float d = KQuantCodec.f16(w, block);
        long qs = block + (fifthBit ? 48 : 16);
        for (int chunk = 0; chunk < 4; chunk++) {
            FloatVector low = FloatVector.zero(F);
            FloatVector high = FloatVector.zero(F);
            for (int l = 0; l < 32; l += F.length()) {
                ByteVector packed = VectorDecode.bytes(w, qs + chunk * 32 + l);
                ByteVector lo = packed.and((byte) 0xF);
                ByteVector hi = packed.lanewise(LSHR, 4).and((byte) 0xF);
                if (fifthBit) { // qh bit 2·chunk (low) and 2·chunk + 1 (high) of byte l
                    ByteVector qh = VectorDecode.bytes(w, block + 16 + l);
                    lo = lo.or(qh.lanewise(LSHR, 2 * chunk).and((byte) 1).lanewise(LSHL, 4));
                    hi = hi.or(qh.lanewise(LSHR, 2 * chunk + 1).and((byte) 1).lanewise(LSHL, 4));
                }
                low = VectorDecode.floats(lo).fma(FloatVector.fromArray(F, x, xb + chunk * 64 + l), low);
                high = VectorDecode.floats(hi).fma(FloatVector.fromArray(F, x, xb + chunk * 64 + 32 + l), high);
            }
            sum = addScaled(low, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk), sum);
            sum = addScaled(high, d * KQuantCodec.k4Scale(w, block + 4, 2 * chunk + 1), sum);
        }
        return sum;
    }

    private static float k4Mins(MemorySegment w, long block, float[] sums16, int s0) {
        float dmin = KQuantCodec.f16(w, block + 2);
        float mins = 0f;
        for (int sub = 0; sub < 8; sub++) {
            mins += dmin * KQuantCodec.k4Min(w, block + 4, sub) * (sums16[s0 + 2 * sub] + sums16[s0 + 2 * sub + 1]);
        }
        return mins;
    }

    /** Q6_K: per half of 128 values, {@code ql[64]} and {@code qh[32]}; byte l serves values l, l + 32, l + 64, l + 96. */
    private static FloatVector q6(MemorySegment w, long block, float[] x, int xb, FloatVector sum) {
        float d = KQuantCodec.f16(w, block + 208);
        for (int half = 0; half < 2; half++) {
            long ql = block + half * 64;
            long qh = block + 128 + half * 32;
            for (int l0 = 0; l0 < 32; l0 += 16) {
                FloatVector[] parts = {FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F), FloatVector.zero(F)};
                for (int l = l0; l < l0 + 16; l += F.length()) {
                    ByteVector ql0 = VectorDecode.bytes(w, ql + l);
                    ByteVector ql1 = VectorDecode.bytes(w, ql + 32 + l);
                    ByteVector h = VectorDecode.bytes(w, qh + l);
                    ByteVector[] lows = {ql0.and((byte) 0xF), ql1.and((byte) 0xF),
                            ql0.lanewise(LSHR, 4).and((byte) 0xF), ql1.lanewise(LSHR, 4).and((byte) 0xF)};
                    for (int k = 0; k < 4; k++) {
                        ByteVector q = lows[k].or(h.lanewise(LSHR, 2 * k).and((byte) 3).lanewise(LSHL, 4)).sub((byte) 32);
                        parts[k] = VectorDecode.floats(q).fma(FloatVector.fromArray(F, x, xb + half * 128 + k * 32 + l), parts[k]);
                    }
                }
                for (int k = 0; k < 4; k++) {
                    int sub = half * 8 + k * 2 + l0 / 16;
                    sum = addScaled(parts[k], d * w.get(ValueLayout.JAVA_BYTE, block + 192 + sub), sum);
                }
            }
        }
        return sum;
    }

    private static FloatVector q8(MemorySegment w, long block, float[] x, int xb, FloatVector sum) {
        FloatVector part = FloatVector.zero(F);
        for (int j = 0; j < SUPER; j += F.length()) {
            part = VectorDecode.floats(VectorDecode.bytes(w, block + 4 + j)).fma(FloatVector.fromArray(F, x, xb + j), part);
        }
        return addScaled(part, w.get(F32, block), sum);
    }

    /** {@code sum + part · scale}, lane by lane. */
    private static FloatVector addScaled(FloatVector part, float scale, FloatVector sum) {
        return part.fma(FloatVector.broadcast(F, scale), sum);
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
