package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceBuffer;
import jcuda.driver.CUdeviceptr;

/**
 * Token choice on the device for {@link CudaBackend#argmax}, {@link CudaBackend#sample} and
 * {@link CudaBackend#probabilities}: logits stay in device memory, only ids and probabilities come back.
 * The backend's context must be current.
 */
final class DeviceSampling {

    private final CudaKernels kernels;
    private final DeviceScratch scratch;

    DeviceSampling(CudaKernels kernels, DeviceScratch scratch) {
        this.kernels = kernels;
        this.scratch = scratch;
    }

    int[] argmax(DeviceBuffer logits, int n) {
        CudaBuffer b = CudaBuffer.of(logits);
        Shapes.checkRows("argmax", b, n, b.cols());
        CUdeviceptr ids = scratch.intOutput(n);
        kernels.launch("argmax", n, 1, KernelPlan.SAMPLE_THREADS, b.pointer, b.cols(), ids);
        return scratch.readInts(n);
    }

    SampledTokens sample(DeviceBuffer logits, int n, float temperature, float[] uniforms) {
        CudaBuffer b = CudaBuffer.of(logits);
        Shapes.checkRows("sample", b, n, b.cols());
        if (!(temperature > 0) || uniforms.length != n) {
            throw new IllegalArgumentException("sample: temperature " + temperature + ", " + uniforms.length
                    + " uniforms (expected: temperature > 0 and one uniform per row, " + n + ")");
        }
        CUdeviceptr u = scratch.floats(uniforms);
        CUdeviceptr ids = scratch.intOutput(n);
        CUdeviceptr probabilities = scratch.floatOutput(n);
        kernels.launch("sample", n, 1, KernelPlan.SAMPLE_THREADS, b.pointer, b.cols(), 1f / temperature, u, ids,
                probabilities);
        return new SampledTokens(scratch.readInts(n), scratch.readFloats(n));
    }

    float[] probabilities(DeviceBuffer logits, int n, float temperature, int[] tokens) {
        CudaBuffer b = CudaBuffer.of(logits);
        Shapes.checkRows("probabilities", b, n, b.cols());
        if (!(temperature > 0) || tokens.length != n) {
            throw new IllegalArgumentException("probabilities: temperature " + temperature + ", " + tokens.length
                    + " tokens (expected: temperature > 0 and one token per row, " + n + ")");
        }
        for (int token : tokens) {
            if (token < 0 || token >= b.cols()) {
                throw new IllegalArgumentException("token " + token + " (expected: in [0, " + b.cols() + "))");
            }
        }
        kernels.launch("softmax", n, 1, KernelPlan.ROW_THREADS, b.pointer, b.cols(), 1f / temperature);
        CUdeviceptr ids = scratch.ints(tokens);
        CUdeviceptr out = scratch.floatOutput(n);
        kernels.launch("gather", KernelPlan.blocks(n, KernelPlan.ROW_THREADS), 1, KernelPlan.ROW_THREADS, b.pointer,
                b.cols(), ids, out, n);
        return scratch.readFloats(n);
    }
}
