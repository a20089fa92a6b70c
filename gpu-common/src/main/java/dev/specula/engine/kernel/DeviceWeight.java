package dev.specula.engine.kernel;

import dev.specula.engine.tensor.GgmlType;

/** A weight matrix {@code [rows, cols]} made usable by a backend, in its stored element type. */
public interface DeviceWeight {

    String name();

    GgmlType type();

    int rows();

    int cols();
}
