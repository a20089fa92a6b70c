package dev.specula.engine.kernel.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Finds out once per process whether the CUDA driver is usable. JCuda's native library links against
 * {@code libcuda.so.1}, so on a machine without an NVIDIA driver merely touching {@link JCudaDriver} throws a
 * {@link LinkageError}; this class turns that, and every driver error, into a {@link CudaAvailability}.
 */
public final class CudaDriver {

    private static volatile CudaAvailability cached;

    private CudaDriver() {
    }

    /** The probe result, computed on first call; never throws. */
    public static CudaAvailability availability() {
        CudaAvailability result = cached;
        if (result == null) {
            synchronized (CudaDriver.class) {
                result = cached;
                if (result == null) {
                    result = probe();
                    cached = result;
                }
            }
        }
        return result;
    }

    /** Throws {@link IllegalStateException} with the reason when CUDA is not usable. */
    static void requireAvailable() {
        CudaAvailability a = availability();
        if (!a.available()) {
            throw new IllegalStateException("backend cuda: " + a.detail() + " (expected: an NVIDIA GPU with a CUDA 13 driver)");
        }
    }

    /** Throws {@link CudaException} naming {@code what} when {@code result} is not {@code CUDA_SUCCESS}. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(result, what);
        }
    }

    private static CudaAvailability probe() {
        try {
            int init = JCudaDriver.cuInit(0);
            if (init != CUresult.CUDA_SUCCESS) {
                return new CudaAvailability(false, "cuInit failed: " + CUresult.stringFor(init));
            }
            int[] count = new int[1];
            int status = JCudaDriver.cuDeviceGetCount(count);
            if (status != CUresult.CUDA_SUCCESS) {
                return new CudaAvailability(false, "cuDeviceGetCount failed: " + CUresult.stringFor(status));
            }
            if (count[0] == 0) {
                return new CudaAvailability(false, "the CUDA driver reports no device");
            }
            return new CudaAvailability(true, count[0] + " CUDA device(s)");
        } catch (LinkageError e) {
            // UnsatisfiedLinkError (libcuda.so.1 missing), or NoClassDefFoundError after a failed first load.
            return new CudaAvailability(false, "CUDA driver library not loadable: " + linkFailure(e));
        } catch (RuntimeException e) {
            return new CudaAvailability(false, "CUDA driver unusable: " + rootMessage(e));
        }
    }

    /**
     * The line of JCuda's long load report that says why, e.g. {@code libcuda.so.1: cannot open shared object
     * file: No such file or directory}; else the first line of the error.
     */
    private static String linkFailure(LinkageError e) {
        String message = String.valueOf(e.getMessage());
        return message.lines().filter(l -> l.contains("cannot open shared object file")).findFirst()
                .map(l -> l.contains(".so: ") ? l.substring(l.indexOf(".so: ") + 5) : l.trim())
                .orElseGet(() -> rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
