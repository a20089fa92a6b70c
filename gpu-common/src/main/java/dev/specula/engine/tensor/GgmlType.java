package dev.specula.engine.tensor;

/**
 * The tensor element types the engine reads and writes, with their GGUF type ids and block layout.
 *
 * <p>Quantized types store {@link #blockSize()} values in {@link #bytesPerBlock()} bytes:
 * Q8_0 is an f16 scale then 32 int8 quants; Q4_0 is an f16 scale then 16 bytes of 4-bit quants
 * (element j in the low nibble of byte j, element j + 16 in the high nibble), each value
 * {@code (nibble - 8) * scale}. The K-quants (Q2_K ... Q8_K) are llama.cpp's super-blocks of 256 values with
 * per-sub-block scales; {@link KQuantCodec} documents their layouts. The engine reads every type; it writes only
 * those that are {@link #encodable()} (K-quant files come from llama.cpp's {@code llama-quantize}).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The type id in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Number of values stored together in one block (1 for plain float types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes one block takes. */
    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Whether this is one of llama.cpp's K-quants: super-blocks of 256 values. */
    public boolean isKQuant() {
        return blockSize == KQuantCodec.SUPER_BLOCK;
    }

    /** Whether {@link TensorCodec#quantize} can write this type (every type but the K-quants). */
    public boolean encodable() {
        return !isKQuant();
    }

    /** Bytes that {@code count} values take; {@code count} must be a multiple of the block size. */
    public long bytesFor(long count) {
        if (count % blockSize != 0) {
            throw new IllegalArgumentException(
                    "count: " + count + " (expected: a multiple of " + blockSize + " for " + this + ")");
        }
        return count / blockSize * bytesPerBlock;
    }

    /** The type with the given GGUF id, or {@code null} when the engine does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        return null;
    }
}
