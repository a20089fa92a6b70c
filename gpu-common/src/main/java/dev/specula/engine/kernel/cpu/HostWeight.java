package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;

/** A weight read in place from its (usually memory-mapped) bytes; rows are contiguous. */
final class HostWeight implements DeviceWeight {

    private final WeightTensor tensor;
    private volatile float[] dense; // [rows * cols], decoded on first use of a small weight

    HostWeight(WeightTensor tensor) {
        this.tensor = tensor;
    }

    @Override
    public String name() {
        return tensor.name();
    }

    @Override
    public GgmlType type() {
        return tensor.type();
    }

    @Override
    public int rows() {
        return tensor.rows();
    }

    @Override
    public int cols() {
        return tensor.cols();
    }

    MemorySegment data() {
        return tensor.data();
    }

    /** Byte offset of row {@code row}. */
    long rowOffset(int row) {
        return type().bytesFor((long) row * cols());
    }

    /** The whole weight as floats, decoded once: for norm gains and biases, not for large matrices. */
    float[] dense() {
        float[] values = dense;
        if (values == null) {
            values = new float[Math.multiplyExact(rows(), cols())];
            TensorCodec.dequantize(type(), data(), 0, values, 0, values.length);
            dense = values;
        }
        return values;
    }

    static HostWeight of(DeviceWeight weight) {
        if (weight instanceof HostWeight host) {
            return host;
        }
        throw new IllegalArgumentException("weight " + weight.name() + " (expected: loaded by a CPU backend)");
    }
}
