package dev.specula.engine.kernel;

import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;

import java.util.List;

/** Creates a backend by name and logs which one runs, so every process says what it computes on. */
public final class Backends {

    /** Names accepted by {@link #create}. */
    public static final List<String> NAMES = List.of("naive", "vector");

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** The backend called {@code name}; see {@link #NAMES}. */
    public static Backend create(String name) {
        Backend backend = switch (name) {
            case "naive" -> new NaiveBackend();
            case "vector" -> new VectorBackend();
            default -> throw new IllegalArgumentException("backend: " + name + " (expected: one of " + NAMES + ")");
        };
        LOG.log(System.Logger.Level.INFO, "backend " + backend.description());
        return backend;
    }
}
