package dev.specula.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Seeded random weights of any type for kernel tests: encodable types quantize Gaussian values (σ 0.5); K-quants,
 * which the engine does not write, are random super-blocks whose every quant, scale and min bit is random and whose
 * f16 (Q8_K: f32) super-block scales are drawn from [0.0005, 0.005), so values stay in the range real weights have.
 */
public final class RandomTensors {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomTensors() {
    }

    /** A weight {@code [rows, cols]} named {@code w} ({@code dims = {cols}} when {@code rows} is 1). */
    public static WeightTensor weight(GgmlType type, int rows, int cols, SplittableRandom random) {
        long[] dims = rows == 1 ? new long[] {cols} : new long[] {cols, rows};
        return new WeightTensor("w", type, dims, MemorySegment.ofArray(bytes(type, rows * cols, random)));
    }

    /** {@code count} random values stored as {@code type}. */
    public static byte[] bytes(GgmlType type, int count, SplittableRandom random) {
        if (type.encodable()) {
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = (float) random.nextGaussian() * 0.5f;
            }
            return TensorCodec.quantize(type, values);
        }
        byte[] bytes = new byte[Math.toIntExact(type.bytesFor(count))];
        random.nextBytes(bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        for (long block = 0; block < bytes.length; block += type.bytesPerBlock()) {
            switch (type) {
                case Q2_K -> scales(seg, block + 80, 2, random);
                case Q3_K -> scales(seg, block + 108, 1, random);
                case Q4_K, Q5_K -> scales(seg, block, 2, random);
                case Q6_K -> scales(seg, block + 208, 1, random);
                case Q8_K -> {
                    seg.set(F32, block, scale(random) / 4);
                    for (int sub = 0; sub < 16; sub++) { // bsums: the sums of 16 quants, as llama.cpp stores them
                        int sum = 0;
                        for (int j = 0; j < 16; j++) {
                            sum += seg.get(ValueLayout.JAVA_BYTE, block + 4 + sub * 16 + j);
                        }
                        seg.set(I16, block + 260 + sub * 2L, (short) sum);
                    }
                }
                default -> throw new IllegalArgumentException("type: " + type + " (expected: a K-quant)");
            }
        }
        return bytes;
    }

    private static void scales(MemorySegment seg, long offset, int count, SplittableRandom random) {
        for (int k = 0; k < count; k++) {
            seg.set(I16, offset + 2L * k, Float.floatToFloat16(scale(random)));
        }
    }

    private static float scale(SplittableRandom random) {
        return (float) random.nextDouble(0.0005, 0.005);
    }
}
