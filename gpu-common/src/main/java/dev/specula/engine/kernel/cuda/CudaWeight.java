package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;
import jcuda.driver.CUdeviceptr;

/**
 * A weight in device memory. Matrices keep their stored type ({@link #type()} equals {@link #deviceType}), except
 * K-quant ones, decoded to F32 at upload (there are no K-quant kernels); vectors (norm gains, biases) are decoded to
 * F32 at upload, as they are tiny and read by float kernels.
 */
final class CudaWeight implements DeviceWeight {

    final CUdeviceptr pointer;
    final GgmlType deviceType;
    final long bytes;
    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;

    CudaWeight(String name, GgmlType type, GgmlType deviceType, int rows, int cols, CUdeviceptr pointer, long bytes) {
        this.name = name;
        this.type = type;
        this.deviceType = deviceType;
        this.rows = rows;
        this.cols = cols;
        this.pointer = pointer;
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    static CudaWeight of(DeviceWeight weight) {
        if (weight instanceof CudaWeight cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("weight " + weight.name() + " (expected: loaded by the CUDA backend)");
    }
}
