package dev.specula.engine.kernel.cuda;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import jcuda.driver.CUdeviceptr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * How a weight tensor goes to the device: vectors (norm gains, biases) as F32 for the float kernels, K-quant
 * matrices decoded to F32, every other matrix as its stored blocks for the kernels of its type. The caller holds
 * the backend's lock with its context bound.
 */
final class WeightUpload {

    private WeightUpload() {
    }

    static CudaWeight upload(DeviceAllocator allocator, WeightTensor tensor) {
        int rows = tensor.rows();
        int cols = tensor.cols();
        String what = "weight " + tensor;
        if (rows == 1) { // a vector: norm gain or bias, read by float kernels
            float[] values = new float[cols];
            TensorCodec.dequantize(tensor.type(), tensor.data(), 0, values, 0, cols);
            CUdeviceptr pointer = allocator.allocate(4L * cols, what, true);
            allocator.upload(MemorySegment.ofArray(values), pointer);
            return new CudaWeight(tensor.name(), tensor.type(), GgmlType.F32, rows, cols, pointer, 4L * cols);
        }
        if (tensor.type().isKQuant()) {
            return decoded(allocator, tensor, what);
        }
        long bytes = tensor.data().byteSize();
        CUdeviceptr pointer = allocator.allocate(bytes, what, true);
        allocator.upload(tensor.data(), pointer);
        return new CudaWeight(tensor.name(), tensor.type(), tensor.type(), rows, cols, pointer, bytes);
    }

    /**
     * A K-quant matrix, decoded to F32 on the host and multiplied by the F32 kernels: the simplest correct path (the
     * same values as the CPU backends, at 4 bytes a weight instead of 2.6 to 6.6 bits); there are no K-quant kernels.
     */
    private static CudaWeight decoded(DeviceAllocator allocator, WeightTensor tensor, String what) {
        int rows = tensor.rows();
        int cols = tensor.cols();
        long bytes = 4L * rows * cols;
        CUdeviceptr pointer = allocator.allocate(bytes, what + " (decoded to F32)", true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment decoded = arena.allocate(bytes, 16); // [rows, cols] F32
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                TensorCodec.dequantize(tensor.type(), tensor.data(), (long) r * cols, row, 0, cols);
                MemorySegment.copy(row, 0, decoded, ValueLayout.JAVA_FLOAT, 4L * r * cols, cols);
            }
            allocator.upload(decoded, pointer);
        }
        return new CudaWeight(tensor.name(), tensor.type(), GgmlType.F32, rows, cols, pointer, bytes);
    }
}
