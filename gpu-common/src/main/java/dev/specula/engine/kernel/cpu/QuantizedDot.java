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
     * {@link #q8} for two or three tokens at once, the blocks of a small verification: each block is widened once
     * for all of them. Writes {@code out[i * outCols + r]} for tokens {@code i < n}, whose inputs are rows of
     * {@code x} ({@code xCols} apart). Every token's sum runs in the order of {@link #q8}, so results are equal.
     */
    static void q8Tokens(MemorySegment w, long byteOff, float[] x, int xCols, int n, int len, float[] out, int outCols,
                         int r) {
        if (n != 2 && n != 3) {
            throw new IllegalArgumentException("n: " + n + " (expected: 2 or 3)");
        }
        boolean third = n == 3; // loop-invariant: the JIT compiles the loop once per case
        int step = F.length();
        FloatVector sum0 = FloatVector.zero(F);
        FloatVector sum1 = FloatVector.zero(F);
        FloatVector sum2 = FloatVector.zero(F);
        for (int block = 0; block < len / BLOCK; block++) {
            long off = byteOff + (long) block * Q8_BLOCK_BYTES;
            int xBlock = block * BLOCK;
            FloatVector block0 = FloatVector.zero(F);
            FloatVector block1 = FloatVector.zero(F);
            FloatVector block2 = FloatVector.zero(F);
            for (int j = 0; j < BLOCK; j += step) {
                FloatVector q = VectorDecode.q8Quants(w, off, j);
                block0 = q.fma(FloatVector.fromArray(F, x, xBlock + j), block0);
                block1 = q.fma(FloatVector.fromArray(F, x, xCols + xBlock + j), block1);
                if (third) {
                    block2 = q.fma(FloatVector.fromArray(F, x, 2 * xCols + xBlock + j), block2);
                }
            }
            FloatVector scale = VectorDecode.blockScale(w, off);
            sum0 = block0.fma(scale, sum0);
            sum1 = block1.fma(scale, sum1);
            sum2 = third ? block2.fma(scale, sum2) : sum2;
        }
        out[r] = sum0.reduceLanes(VectorOperators.ADD);
        out[outCols + r] = sum1.reduceLanes(VectorOperators.ADD);
        if (third) {
            out[2 * outCols + r] = sum2.reduceLanes(VectorOperators.ADD);
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
}
