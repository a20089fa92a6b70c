package dev.specula.engine.kernel.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Dot products straight from Q8_0 and Q4_0 blocks, for decode (one token): each block's 32 quants are widened to
 * floats in registers and multiplied into the input, and the block's scale is applied once to the block's sum.
 * Decoding the row into a float buffer first, as {@link VectorDecode} does for batches, costs a store and a reload
 * of every weight, which doubles the time of a one-token step. Blocks are read with {@link VectorDecode}'s block
 * readers, so both paths widen quants alike.
 */
final class QuantizedDot {

    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int BLOCK = 32;
    private static final int Q8_BLOCK_BYTES = 34;
    private static final int Q4_BLOCK_BYTES = 18;

    private QuantizedDot() {
    }

    /** Whether this machine's vectors split a block's 16 packed Q4_0 bytes (and so 32 quants) into 8 or 16 lanes. */
    static boolean supported() {
        return F.length() >= 8 && (BLOCK / 2) % F.length() == 0;
    }

    /** {@code Σ w[j] * x[xOff + j]} over the {@code len} (a multiple of 32) Q8_0 values stored from {@code byteOff}. */
    static float q8(MemorySegment w, long byteOff, float[] x, int xOff, int len) {
        int step = F.length();
        FloatVector sum = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q8_BLOCK_BYTES;
            int xBlock = xOff + block * BLOCK;
            FloatVector blockSum = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += step) {
                blockSum = VectorDecode.q8Quants(w, off, j).fma(FloatVector.fromArray(F, x, xBlock + j), blockSum);
            }
            sum = blockSum.fma(VectorDecode.blockScale(w, off), sum);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link #q8} for {@code n} tokens at once, the rows of a verification block or of a batch: four tokens share each
     * widened block, so the weights are read from memory once per row and widened once per four tokens. Writes
     * {@code out[i * outCols + r]} for tokens {@code i < n}, whose inputs are rows of {@code x} ({@code xCols} apart).
     * Every token's sum runs in the order of {@link #q8}, so each row's result is the same bit for bit whatever the
     * size of the batch it is computed in: verification scores with the very sums decode computes.
     */
    static void q8Tokens(MemorySegment w, long byteOff, float[] x, int xCols, int n, int len, float[] out, int outCols,
                         int r) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            q8FourTokens(w, byteOff, x, i * xCols, xCols, len, out, i * outCols + r, outCols);
        }
        if (n - i == 1) {
            out[i * outCols + r] = q8(w, byteOff, x, i * xCols, len);
        } else if (n - i > 1) {
            q8TwoOrThreeTokens(w, byteOff, x, i * xCols, xCols, n - i == 3, len, out, i * outCols + r, outCols);
        }
    }

    private static void q8FourTokens(MemorySegment w, long byteOff, float[] x, int xOff, int xCols, int len,
                                     float[] out, int outOff, int outCols) {
        int step = F.length();
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        FloatVector sum3 = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q8_BLOCK_BYTES;
            int x0 = xOff + block * BLOCK;
            FloatVector block0 = FloatVector.zero(F);
            FloatVector block1 = FloatVector.zero(F);
            FloatVector block2 = FloatVector.zero(F);
            FloatVector block3 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += step) {
                FloatVector q = VectorDecode.q8Quants(w, off, j);
                block0 = q.fma(FloatVector.fromArray(F, x, x0 + j), block0);
                block1 = q.fma(FloatVector.fromArray(F, x, x0 + xCols + j), block1);
                block2 = q.fma(FloatVector.fromArray(F, x, x0 + 2 * xCols + j), block2);
                block3 = q.fma(FloatVector.fromArray(F, x, x0 + 3 * xCols + j), block3);
            }
            FloatVector scale = VectorDecode.blockScale(w, off);
            sum0 = block0.fma(scale, sum0);
            sum1 = block1.fma(scale, sum1);
            sum2 = block2.fma(scale, sum2);
            sum3 = block3.fma(scale, sum3);
        }
        out[outOff] = sum0.reduceLanes(VectorOperators.ADD);
        out[outOff + outCols] = sum1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outCols] = sum2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outCols] = sum3.reduceLanes(VectorOperators.ADD);
    }

    private static void q8TwoOrThreeTokens(MemorySegment w, long byteOff, float[] x, int xOff, int xCols,
                                           boolean third, int len, float[] out, int outOff, int outCols) {
        int step = F.length();
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q8_BLOCK_BYTES;
            int x0 = xOff + block * BLOCK;
            FloatVector block0 = FloatVector.zero(F);
            FloatVector block1 = FloatVector.zero(F);
            FloatVector block2 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += step) {
                FloatVector q = VectorDecode.q8Quants(w, off, j);
                block0 = q.fma(FloatVector.fromArray(F, x, x0 + j), block0);
                block1 = q.fma(FloatVector.fromArray(F, x, x0 + xCols + j), block1);
                if (third) { // loop-invariant: the JIT compiles the loop once per case
                    block2 = q.fma(FloatVector.fromArray(F, x, x0 + 2 * xCols + j), block2);
                }
            }
            FloatVector scale = VectorDecode.blockScale(w, off);
            sum0 = block0.fma(scale, sum0);
            sum1 = block1.fma(scale, sum1);
            sum2 = third ? block2.fma(scale, sum2) : sum2;
        }
        out[outOff] = sum0.reduceLanes(VectorOperators.ADD);
        out[outOff + outCols] = sum1.reduceLanes(VectorOperators.ADD);
        if (third) {
            out[outOff + 2 * outCols] = sum2.reduceLanes(VectorOperators.ADD);
        }
    }

    /** {@code Σ w[j] * x[xOff + j]} over the {@code len} (a multiple of 32) Q4_0 values stored from {@code byteOff}. */
    static float q4(MemorySegment w, long byteOff, float[] x, int xOff, int len) {
        int step = F.length();
        FloatVector sum = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q4_BLOCK_BYTES;
            int xBlock = xOff + block * BLOCK;
            FloatVector blockSum = FloatVector.zero(F);
            // Byte j holds quant j (low nibble) and quant j + 16 (high nibble), each stored as value + 8.
            for (int j = 0; j < BLOCK / 2; j += step) {
                ByteVector packed = VectorDecode.q4Packed(w, off, j);
                blockSum = VectorDecode.q4Low(packed).fma(FloatVector.fromArray(F, x, xBlock + j), blockSum);
                blockSum = VectorDecode.q4High(packed).fma(FloatVector.fromArray(F, x, xBlock + BLOCK / 2 + j), blockSum);
            }
            sum = blockSum.fma(VectorDecode.blockScale(w, off), sum);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link #q4} for {@code n} tokens at once, like {@link #q8Tokens}: four tokens share each unpacked block, the rest
     * go one at a time (from cache), and every token's sum runs in the order of {@link #q4}.
     */
    static void q4Tokens(MemorySegment w, long byteOff, float[] x, int xCols, int n, int len, float[] out, int outCols,
                         int r) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            q4FourTokens(w, byteOff, x, i * xCols, xCols, len, out, i * outCols + r, outCols);
        }
        for (; i < n; i++) {
            out[i * outCols + r] = q4(w, byteOff, x, i * xCols, len);
        }
    }

    private static void q4FourTokens(MemorySegment w, long byteOff, float[] x, int xOff, int xCols, int len,
                                     float[] out, int outOff, int outCols) {
        int step = F.length();
        int high = BLOCK / 2;
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        FloatVector sum3 = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q4_BLOCK_BYTES;
            int x0 = xOff + block * BLOCK;
            FloatVector block0 = FloatVector.zero(F);
            FloatVector block1 = FloatVector.zero(F);
            FloatVector block2 = FloatVector.zero(F);
            FloatVector block3 = FloatVector.zero(F);
            for (int j = 0; j < high; j += step) {
                ByteVector packed = VectorDecode.q4Packed(w, off, j);
                FloatVector lo = VectorDecode.q4Low(packed);
                FloatVector hi = VectorDecode.q4High(packed);
                // Per token: low then high nibbles, the order of q4.
                block0 = hi.fma(FloatVector.fromArray(F, x, x0 + high + j),
                        lo.fma(FloatVector.fromArray(F, x, x0 + j), block0));
                block1 = hi.fma(FloatVector.fromArray(F, x, x0 + xCols + high + j),
                        lo.fma(FloatVector.fromArray(F, x, x0 + xCols + j), block1));
                block2 = hi.fma(FloatVector.fromArray(F, x, x0 + 2 * xCols + high + j),
                        lo.fma(FloatVector.fromArray(F, x, x0 + 2 * xCols + j), block2));
                block3 = hi.fma(FloatVector.fromArray(F, x, x0 + 3 * xCols + high + j),
                        lo.fma(FloatVector.fromArray(F, x, x0 + 3 * xCols + j), block3));
            }
            FloatVector scale = VectorDecode.blockScale(w, off);
            sum0 = block0.fma(scale, sum0);
            sum1 = block1.fma(scale, sum1);
            sum2 = block2.fma(scale, sum2);
            sum3 = block3.fma(scale, sum3);
        }
        out[outOff] = sum0.reduceLanes(VectorOperators.ADD);
        out[outOff + outCols] = sum1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outCols] = sum2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outCols] = sum3.reduceLanes(VectorOperators.ADD);
    }
}
