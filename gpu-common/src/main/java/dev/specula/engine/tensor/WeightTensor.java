package dev.specula.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A weight tensor as stored in a model file: its name, element type, shape and raw little-endian bytes
 * (usually a slice of a memory-mapped file).
 *
 * @param name  the GGUF tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type  the element type
 * @param dims  the shape in GGUF order: {@code dims[0]} is the innermost (contiguous) dimension, so a
 *              matrix of {@code rows × cols} has {@code dims = {cols, rows}}
 * @param data  exactly {@code type.bytesFor(elementCount())} bytes
 */
public record WeightTensor(String name, GgmlType type, long[] dims, MemorySegment data) {

    public WeightTensor {
        if (dims.length == 0 || dims.length > 4) {
            throw new IllegalArgumentException("tensor " + name + ": dims " + Arrays.toString(dims)
                    + " (expected: 1 to 4 dimensions)");
        }
        dims = dims.clone();
        long expectedBytes = type.bytesFor(count(dims));
        if (data.byteSize() != expectedBytes) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.byteSize() + " bytes of data"
                    + " (expected: " + expectedBytes + " for " + type + " " + Arrays.toString(dims) + ")");
        }
    }

    /** Number of elements. */
    public long elementCount() {
        return count(dims);
    }

    /** Length of the contiguous dimension (the columns of a matrix). */
    public int cols() {
        return Math.toIntExact(dims[0]);
    }

    /** Product of every dimension but the contiguous one (the rows of a matrix). */
    public int rows() {
        return Math.toIntExact(elementCount() / dims[0]);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims);
    }

    private static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " (expected: all > 0)");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
