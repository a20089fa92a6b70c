package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;

/** Argument checks of the CUDA backend: a kernel given a wrong shape would read or write out of bounds. */
final class Shapes {

    private Shapes() {
    }

    static CudaWeight vector(DeviceWeight weight, int cols) {
        CudaWeight w = CudaWeight.of(weight);
        if (w.deviceType != GgmlType.F32 || w.rows() != 1 || w.cols() != cols) {
            throw new IllegalArgumentException("weight " + w.name() + " [" + w.rows() + ", " + w.cols()
                    + "] (expected: a vector of " + cols + ")");
        }
        return w;
    }

    static void checkRows(String op, CudaBuffer b, int n, int cols) {
        if (n <= 0 || n > b.rows() || b.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + n + " rows of " + cols + " columns in a buffer [" + b.rows()
                    + ", " + b.cols() + "] (expected: 1.." + b.rows() + " rows of " + b.cols() + ")");
        }
    }

    static void checkRow(String op, CudaBuffer b, int row, float[] values) {
        if (row < 0 || row >= b.rows() || values.length != b.cols()) {
            throw new IllegalArgumentException(op + ": row " + row + " of " + values.length + " values (expected: row in [0, "
                    + b.rows() + ") of " + b.cols() + " values)");
        }
    }
}
