package dev.specula.engine.kernel.cuda;

import jcuda.driver.CUresult;

/** A CUDA driver call that failed: the call, what it was for, and the driver's error name. */
public final class CudaException extends RuntimeException {

    private final int result;

    CudaException(int result, String what) {
        super(what + ": " + CUresult.stringFor(result) + " (expected: CUDA_SUCCESS)");
        this.result = result;
    }

    /** The {@code CUresult} code. */
    public int result() {
        return result;
    }
}
