package dev.specula.engine.kernel;

import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.kernel.cuda.CudaAvailability;
import dev.specula.engine.kernel.cuda.CudaBackend;
import dev.specula.engine.kernel.cuda.CudaDriver;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Creates a backend by name and logs which one runs, so every process says what it computes on. {@code auto}
 * takes the GPU when a CUDA driver and device are usable and otherwise says once why not and takes
 * {@code vector}; {@code cuda} insists on the GPU and fails with the reason when there is none.
 */
public final class Backends {

    /** Names accepted by {@link #create}. */
    public static final List<String> NAMES = List.of("naive", "vector", "cuda", "auto");

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static final AtomicInteger FALLBACKS = new AtomicInteger();

    private Backends() {
    }

    /** The backend called {@code name}; see {@link #NAMES}. */
    public static Backend create(String name) {
        Backend backend = switch (name) {
            case "naive" -> new NaiveBackend();
            case "vector" -> new VectorBackend();
            case "cuda" -> new CudaBackend();
            case "auto" -> automatic();
            default -> throw new IllegalArgumentException("backend: " + name + " (expected: one of " + NAMES + ")");
        };
        LOG.info("backend " + backend.description());
        return backend;
    }

    /** The CUDA backend when usable, else {@code vector} after saying (once per process) why not. */
    private static Backend automatic() {
        CudaAvailability cuda = CudaDriver.availability();
        if (cuda.available()) {
            try {
                return new CudaBackend();
            } catch (RuntimeException e) {
                fallback("CUDA device present but the backend failed to start: " + e.getMessage());
                return new VectorBackend();
            }
        }
        fallback(cuda.detail());
        return new VectorBackend();
    }

    private static void fallback(String reason) {
        if (FALLBACKS.getAndIncrement() == 0) {
            LOG.warning("backend auto: CUDA unavailable (" + reason + "); using vector");
        }
    }

    /** How often {@code auto} fell back to the CPU in this process; only the first time is logged. */
    static int fallbacks() {
        return FALLBACKS.get();
    }
}
