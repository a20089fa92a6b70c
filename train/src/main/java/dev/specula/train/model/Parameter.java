package dev.specula.train.model;

import java.util.Arrays;

/**
 * One trainable tensor: its GGUF name and shape, its values and the gradient accumulated for them.
 *
 * @param name  GGUF tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims  GGUF order: {@code [cols, rows]} for a matrix, {@code [n]} for a vector
 * @param value row-major values
 * @param grad  the gradient, same layout
 */
public record Parameter(String name, long[] dims, float[] value, float[] grad) {

    /** A zero-valued parameter of the given shape. */
    public static Parameter zeros(String name, long... dims) {
        long count = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        int size = Math.toIntExact(count);
        return new Parameter(name, dims.clone(), new float[size], new float[size]);
    }

    public int size() {
        return value.length;
    }

    /** Rows of a matrix ({@code dims[1]}), or 1 for a vector. */
    public int rows() {
        return dims.length == 2 ? (int) dims[1] : 1;
    }

    /** Columns of a matrix ({@code dims[0]}), or the length of a vector. */
    public int cols() {
        return (int) dims[0];
    }
}
