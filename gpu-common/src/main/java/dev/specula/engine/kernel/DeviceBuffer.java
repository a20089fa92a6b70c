package dev.specula.engine.kernel;

/**
 * A float matrix {@code [rows, cols]} in a backend's memory (host arrays for CPU backends, device memory for
 * a GPU backend). Only its backend reads or writes it; hosts exchange data through {@link Backend#write} and
 * {@link Backend#read}.
 */
public interface DeviceBuffer {

    int rows();

    int cols();
}
