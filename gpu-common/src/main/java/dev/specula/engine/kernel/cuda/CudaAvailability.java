package dev.specula.engine.kernel.cuda;

import java.util.Objects;

/**
 * Whether this process can run the CUDA backend, and why not when it cannot.
 *
 * @param available whether the CUDA driver loaded, initialised and reported at least one device
 * @param detail    the device count when available, else the reason (e.g. {@code libcuda.so.1} missing)
 */
public record CudaAvailability(boolean available, String detail) {

    public CudaAvailability {
        Objects.requireNonNull(detail, "detail");
    }
}
