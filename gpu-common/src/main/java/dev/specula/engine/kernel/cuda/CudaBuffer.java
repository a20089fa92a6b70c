package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceBuffer;
import jcuda.driver.CUdeviceptr;

/** A row-major float32 matrix {@code [rows, cols]} in device memory. */
final class CudaBuffer implements DeviceBuffer {

    final CUdeviceptr pointer;
    private final int rows;
    private final int cols;
    private boolean freed;

    CudaBuffer(CUdeviceptr pointer, int rows, int cols) {
        this.pointer = pointer;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    long bytes() {
        return 4L * rows * cols;
    }

    /** The device address of row {@code row}. */
    CUdeviceptr row(int row) {
        return pointer.withByteOffset(4L * row * cols);
    }

    boolean freed() {
        return freed;
    }

    void markFreed() {
        freed = true;
    }

    static CudaBuffer of(DeviceBuffer buffer) {
        if (buffer instanceof CudaBuffer cuda) {
            if (cuda.freed) {
                throw new IllegalStateException("buffer [" + cuda.rows + ", " + cuda.cols + "] already freed");
            }
            return cuda;
        }
        throw new IllegalArgumentException("buffer " + buffer.getClass().getName() + " (expected: a CUDA backend buffer)");
    }
}
