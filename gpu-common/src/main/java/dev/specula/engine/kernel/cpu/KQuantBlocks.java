package dev.specula.engine.kernel.cpu;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.KQuantCodec;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * K-quant super-blocks (layouts in {@link KQuantCodec}) in registers: a sub-block's quants are unpacked and widened to
 * floats a vector at a time ({@link #quants}), then either multiplied into the input with the sub-block's scale applied
 * once to their sum ({@link #dot}, for decode and small verification blocks, as {@link QuantizedDot} does for Q8_0 and
 * Q4_0), or scaled into floats ({@link #decodeRow}, for batches, equal to {@link KQuantCodec}'s values). The mins of
 * Q2_K, Q4_K and Q5_K ({@code value = d·sc·q − dmin·m}) enter a dot product as {@code dmin·m · Σx} over the
 * sub-block, from {@link #sums16}, the input's sums per 16 values, computed once per matmul (llama.cpp's bsums).
 */
final class KQuantBlocks {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int SUPER = KQuantCodec.SUPER_BLOCK;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The most tokens {@link #dot} multiplies at once: decode and the blocks of a small verification. */
    static final int MAX_TOKENS = 3;

    private KQuantBlocks() {
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
            sums[s] = sumLanes(acc);
        }
        return sums;
    }

    /**
     * Row {@code r} of the weight times each of {@code n} (1 to 3) tokens: writes {@code out[i * outCols + r]} =
     * {@code Σ w[j] * x[i * xCols + j]} over the {@code len} (a multiple of 256) values of {@code type} stored from
     * {@code byteOff}, for tokens {@code i < n}; {@code sums16[i]} is {@link #sums16}{@code (x, i * xCols, len)}. Each
     * vector of quants is unpacked once for all tokens, and every token's sum runs in the same order whatever {@code n},
     * so a verification block scores each token exactly as decode does. The running sums stay in this method's loop:
     * vectors passed between calls would be boxed (10-20x slower).
     */
    static void dot(GgmlType type, MemorySegment w, long byteOff, float[] x, int xCols, int n, float[][] sums16, int len,
                    float[] out, int outCols, int r) {
        if (n < 1 || n > MAX_TOKENS) {
            throw new IllegalArgumentException("n: " + n + " (expected: 1 to " + MAX_TOKENS + ")");
        }
        boolean second = n >= 2; // loop-invariant: the JIT compiles the loop once per case
        boolean third = n == 3;
        int subSize = subBlockSize(type);
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        float[] mins = new float[n];
        for (int b = 0; b < len / SUPER; b++) {
            long block = byteOff + (long) b * type.bytesPerBlock();
            for (int sub = 0; sub < SUPER / subSize; sub++) {
                FloatVector part0 = FloatVector.zero(F);
                FloatVector part1 = FloatVector.zero(F);
                FloatVector part2 = FloatVector.zero(F);
                for (int i = sub * subSize; i < (sub + 1) * subSize; i += F.length()) {
                    FloatVector q = quants(type, w, block, i);
                    int xi = b * SUPER + i;
                    part0 = q.fma(FloatVector.fromArray(F, x, xi), part0);
                    part1 = second ? q.fma(FloatVector.fromArray(F, x, xCols + xi), part1) : part1;
                    part2 = third ? q.fma(FloatVector.fromArray(F, x, 2 * xCols + xi), part2) : part2;
                }
                FloatVector scale = FloatVector.broadcast(F, scale(type, w, block, sub));
                sum0 = part0.fma(scale, sum0);
                sum1 = second ? part1.fma(scale, sum1) : sum1;
                sum2 = third ? part2.fma(scale, sum2) : sum2;
                float min = min(type, w, block, sub);
                if (min != 0f) {
                    for (int t = 0; t < n; t++) {
                        float xSum = 0f;
                        for (int s = sub * subSize / 16; s < (sub + 1) * subSize / 16; s++) {
                            xSum += sums16[t][b * 16 + s];
                        }
                        mins[t] += min * xSum;
                    }
                }
            }
        }
        out[r] = sumLanes(sum0) - mins[0];
        if (second) {
            out[outCols + r] = sumLanes(sum1) - mins[1];
        }
        if (third) {
            out[2 * outCols + r] = sumLanes(sum2) - mins[2];
        }
    }

    /**
     * The lanes' sum in lane order: {@code reduceLanes} may add in another order once compiled than when interpreted,
     * and a verification block must score each token with exactly the sums decode computes.
     */
    private static float sumLanes(FloatVector v) {
        float sum = 0f;
        for (int lane = 0; lane < F.length(); lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /** Writes the {@code len} (a multiple of 256) values of {@code type} stored from {@code byteOff} into {@code dst}. */
    static void decodeRow(GgmlType type, MemorySegment w, long byteOff, float[] dst, int len) {
        int subSize = subBlockSize(type);
        for (int b = 0; b < len / SUPER; b++) {
            long block = byteOff + (long) b * type.bytesPerBlock();
            for (int sub = 0; sub < SUPER / subSize; sub++) {
                FloatVector scale = FloatVector.broadcast(F, scale(type, w, block, sub));
                FloatVector min = FloatVector.broadcast(F, min(type, w, block, sub));
                for (int i = sub * subSize; i < (sub + 1) * subSize; i += F.length()) {
                    // d·sc·q − dmin·m, rounded as the scalar decoder rounds it (no fused multiply-add).
                    quants(type, w, block, i).mul(scale).sub(min).intoArray(dst, b * SUPER + i);
                }
            }
        }
    }

    /** Values per scale: 16, or 32 for Q4_K and Q5_K, or the whole super-block for Q8_K. */
    private static int subBlockSize(GgmlType type) {
        return switch (type) {
            case Q4_K, Q5_K -> 32;
            case Q8_K -> SUPER;
            default -> 16;
        };
    }

    /** {@code d · sc} of sub-block {@code sub}, as {@link KQuantCodec} computes it. */
    private static float scale(GgmlType type, MemorySegment w, long block, int sub) {
        return switch (type) {
            case Q2_K -> KQuantCodec.f16(w, block + 80) * (u8(w, block + sub) & 0xF);
            case Q3_K -> KQuantCodec.f16(w, block + 108) * (KQuantCodec.q3Scale(w, block + 96, sub) - 32);
            case Q4_K, Q5_K -> KQuantCodec.f16(w, block) * KQuantCodec.k4Scale(w, block + 4, sub);
            case Q6_K -> KQuantCodec.f16(w, block + 208) * w.get(ValueLayout.JAVA_BYTE, block + 192 + sub);
            case Q8_K -> w.get(F32, block);
            default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
        };
    }

    /** {@code dmin · m} of sub-block {@code sub} (0 for the types without mins). */
    private static float min(GgmlType type, MemorySegment w, long block, int sub) {
        return switch (type) {
            case Q2_K -> KQuantCodec.f16(w, block + 82) * (u8(w, block + sub) >>> 4);
            case Q4_K, Q5_K -> KQuantCodec.f16(w, block + 2) * KQuantCodec.k4Min(w, block + 4, sub);
            default -> 0f;
        };
    }

    /**
     * Quants {@code i .. i + lanes} of the block at {@code block} as floats, unscaled and without mins: Q2_K 0..3,
     * Q3_K −4..3, Q4_K 0..15, Q5_K 0..31, Q6_K −32..31, Q8_K −128..127. {@code i} is a multiple of the lane count.
     */
    static FloatVector quants(GgmlType type, MemorySegment w, long block, int i) {
        return VectorDecode.floats(switch (type) {
            case Q2_K -> twoBits(w, block + 16, i);
            case Q3_K -> twoBits(w, block + 32, i).or(bit(w, block, i / 32, i % 32).lanewise(LSHL, 2)).sub((byte) 4);
            case Q4_K -> nibbles(w, block + 16, i);
            case Q5_K -> nibbles(w, block + 48, i).or(bit(w, block + 16, i / 32, i % 32).lanewise(LSHL, 4));
            case Q6_K -> q6(w, block, i);
            case Q8_K -> VectorDecode.bytes(w, block + 4 + i);
            default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
        });
    }

    /** Q2_K's and Q3_K's low 2 bits of values {@code i ..}, from the 64 quant bytes at {@code qs}. */
    private static ByteVector twoBits(MemorySegment w, long qs, int i) {
        return VectorDecode.bytes(w, qs + KQuantCodec.quantByte(i)).lanewise(LSHR, KQuantCodec.twoBitShift(i)).and((byte) 3);
    }

    /** Q4_K's and Q5_K's 4 bits of values {@code i ..}, from the 128 quant bytes at {@code qs}. */
    private static ByteVector nibbles(MemorySegment w, long qs, int i) {
        return VectorDecode.bytes(w, qs + KQuantCodec.nibbleByte(i)).lanewise(LSHR, KQuantCodec.nibbleShift(i)).and((byte) 0xF);
    }

    /** Bit {@code bit} of the bytes from {@code off + l} (Q3_K's hmask, Q5_K's qh), as 0 or 1. */
    private static ByteVector bit(MemorySegment w, long off, int bit, int l) {
        return VectorDecode.bytes(w, off + l).lanewise(LSHR, bit).and((byte) 1);
    }

    /** Q6_K's values {@code i ..}: 4 bits from {@code ql}, 2 from {@code qh}, minus 32 (see {@link KQuantCodec}). */
    private static ByteVector q6(MemorySegment w, long block, int i) {
        int half = i / 128;
        int quarter = (i % 128) / 32;
        int l = i % 32;
        ByteVector low = VectorDecode.bytes(w, block + half * 64 + (quarter % 2) * 32 + l)
                .lanewise(LSHR, quarter / 2 * 4).and((byte) 0xF);
        ByteVector high = VectorDecode.bytes(w, block + 128 + half * 32 + l).lanewise(LSHR, quarter * 2).and((byte) 3);
        return low.or(high.lanewise(LSHL, 4)).sub((byte) 32);
    }

    private static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }
}
