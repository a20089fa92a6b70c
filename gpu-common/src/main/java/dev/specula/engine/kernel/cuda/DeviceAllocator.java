package dev.specula.engine.kernel.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.specula.engine.kernel.cuda.CudaDriver.check;

/**
 * Allocates, fills and frees device memory for one backend, keeping the {@link DeviceMemory} ledger and
 * turning {@code CUDA_ERROR_OUT_OF_MEMORY} into an {@link OutOfDeviceMemoryException} that says what did
 * not fit. The backend's context must be current on the calling thread.
 */
final class DeviceAllocator {

    /** Host staging for uploads: large enough to amortise a copy call, small enough to be cheap. */
    private static final long STAGING_BYTES = 64L << 20;

    private final String device;
    private final DeviceMemory memory = new DeviceMemory();

    DeviceAllocator(String device) {
        this.device = device;
    }

    DeviceMemory memory() {
        return memory;
    }

    /** {@code bytes} of zeroed device memory for {@code what} (named in an out-of-memory error). */
    CUdeviceptr allocate(long bytes, String what, boolean weight) {
        CUdeviceptr pointer = new CUdeviceptr();
        int result = JCudaDriver.cuMemAlloc(pointer, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long[] free = new long[1];
            long[] total = new long[1];
            check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
            throw memory.outOfMemory(what, bytes, device, free[0], total[0]);
        }
        check(result, "cuMemAlloc " + bytes + " bytes for " + what);
        check(JCudaDriver.cuMemsetD8(pointer, (byte) 0, bytes), "cuMemsetD8 " + what);
        if (weight) {
            memory.addWeight(bytes);
        } else {
            memory.addBuffer(bytes);
        }
        return pointer;
    }

    /** Frees a buffer allocation of {@code bytes}. */
    void freeBuffer(CUdeviceptr pointer, long bytes) {
        check(JCudaDriver.cuMemFree(pointer), "cuMemFree");
        memory.removeBuffer(bytes);
    }

    /** Frees a weight at close; the ledger keeps weights until then. */
    void freeWeight(CUdeviceptr pointer) {
        check(JCudaDriver.cuMemFree(pointer), "cuMemFree");
    }

    /** Copies all of {@code source} (heap or native, e.g. a mapped file slice) to {@code target}. */
    void upload(MemorySegment source, CUdeviceptr target) {
        long size = source.byteSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(Math.min(size, STAGING_BYTES), 16);
            for (long offset = 0; offset < size; offset += staging.byteSize()) {
                long length = Math.min(staging.byteSize(), size - offset);
                MemorySegment.copy(source, offset, staging, 0, length);
                check(JCudaDriver.cuMemcpyHtoD(target.withByteOffset(offset), Pointer.to(staging.asByteBuffer()), length),
                        "cuMemcpyHtoD " + length + " bytes");
            }
        }
    }

    /** Free and total device memory, in bytes. */
    long[] freeAndTotal() {
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    /** Throws {@link OutOfDeviceMemoryException} now when {@code bytes} for {@code what} exceed the free memory. */
    void requireFits(long bytes, String what) {
        long[] info = freeAndTotal();
        if (bytes > info[0]) {
            throw memory.outOfMemory(what, bytes, device, info[0], info[1]);
        }
    }

    /** Best of {@code repeats} device-to-device copies of {@code bytes}, in bytes read and written per second. */
    double copyBytesPerSecond(long bytes, int repeats) {
        CUdeviceptr src = allocate(bytes, "bandwidth probe source", false);
        CUdeviceptr dst = allocate(bytes, "bandwidth probe target", false);
        try {
            long best = Long.MAX_VALUE;
            for (int r = 0; r <= repeats; r++) { // the first copy warms up
                check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
                long start = System.nanoTime();
                check(JCudaDriver.cuMemcpyDtoD(dst, src, bytes), "cuMemcpyDtoD");
                check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
                if (r > 0) {
                    best = Math.min(best, System.nanoTime() - start);
                }
            }
            return 2.0 * bytes / (best / 1e9);
        } finally {
            freeBuffer(src, bytes);
            freeBuffer(dst, bytes);
        }
    }
}
