package dev.specula.engine.kernel.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import static dev.specula.engine.kernel.cuda.CudaDriver.check;

/**
 * Small device arrays the backend reuses for kernel inputs and outputs that cross to or from the host: token
 * ids in, sampled ids and probabilities out. Each grows on demand; the backend's context must be current.
 */
final class DeviceScratch implements AutoCloseable {

    private final DeviceAllocator allocator;
    private final Slot intsIn = new Slot("token ids in");
    private final Slot intsOut = new Slot("token ids out");
    private final Slot floatsIn = new Slot("uniforms in");
    private final Slot floatsOut = new Slot("probabilities out");

    DeviceScratch(DeviceAllocator allocator) {
        this.allocator = allocator;
    }

    /** Uploads {@code values} and returns their device copy. */
    CUdeviceptr ints(int[] values) {
        CUdeviceptr p = intsIn.ensure(values.length);
        check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 4L * values.length), "cuMemcpyHtoD ints");
        return p;
    }

    CUdeviceptr floats(float[] values) {
        CUdeviceptr p = floatsIn.ensure(values.length);
        check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 4L * values.length), "cuMemcpyHtoD floats");
        return p;
    }

    /** Room for {@code count} int results, read back by {@link #readInts}. */
    CUdeviceptr intOutput(int count) {
        return intsOut.ensure(count);
    }

    CUdeviceptr floatOutput(int count) {
        return floatsOut.ensure(count);
    }

    int[] readInts(int count) {
        int[] out = new int[count];
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), intsOut.pointer, 4L * count), "cuMemcpyDtoH ints");
        return out;
    }

    float[] readFloats(int count) {
        float[] out = new float[count];
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(out), floatsOut.pointer, 4L * count), "cuMemcpyDtoH floats");
        return out;
    }

    @Override
    public void close() {
        for (Slot slot : new Slot[] {intsIn, intsOut, floatsIn, floatsOut}) {
            slot.release();
        }
    }

    /** One growable array of 4-byte elements. */
    private final class Slot {
        private final String what;
        private CUdeviceptr pointer;
        private int capacity;

        Slot(String what) {
            this.what = what;
        }

        CUdeviceptr ensure(int count) {
            if (count > capacity) {
                release();
                int size = Math.max(count, 256);
                pointer = allocator.allocate(4L * size, "scratch " + what, false);
                capacity = size;
            }
            return pointer;
        }

        void release() {
            if (pointer != null) {
                allocator.freeBuffer(pointer, 4L * capacity);
                pointer = null;
                capacity = 0;
            }
        }
    }
}
