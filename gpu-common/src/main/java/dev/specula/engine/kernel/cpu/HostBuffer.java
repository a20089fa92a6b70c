package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.DeviceBuffer;

/** A row-major {@code [rows, cols]} float matrix on the Java heap. */
final class HostBuffer implements DeviceBuffer {

    final float[] data; // [rows, cols]
    private final int rows;
    private final int cols;

    HostBuffer(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("buffer [" + rows + ", " + cols + "] (expected: positive sizes)");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = new float[Math.multiplyExact(rows, cols)];
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    static HostBuffer of(DeviceBuffer buffer) {
        if (buffer instanceof HostBuffer host) {
            return host;
        }
        throw new IllegalArgumentException("buffer " + buffer.getClass().getName() + " (expected: a CPU backend buffer)");
    }
}
