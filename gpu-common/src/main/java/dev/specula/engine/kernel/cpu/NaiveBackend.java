package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.TensorCodec;

import java.util.function.IntConsumer;

/**
 * The test oracle: plain scalar loops on one thread, summing in index order as llama2.c's {@code run.c}
 * does. Every other backend is checked against it.
 */
public final class NaiveBackend extends CpuBackend {

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public String description() {
        return "naive: scalar Java loops on 1 thread (the reference oracle)";
    }

    @Override
    void parallelFor(int count, IntConsumer body) {
        for (int i = 0; i < count; i++) {
            body.accept(i);
        }
    }

    @Override
    float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        float sum = 0f;
        for (int j = 0; j < len; j++) {
            sum += a[aOff + j] * b[bOff + j];
        }
        return sum;
    }

    @Override
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int j = 0; j < len; j++) {
            y[yOff + j] += alpha * x[xOff + j];
        }
    }

    @Override
    public void matmul(DeviceWeight weight, DeviceBuffer x, DeviceBuffer out, int n) {
        HostWeight w = HostWeight.of(weight);
        HostBuffer in = HostBuffer.of(x);
        HostBuffer o = HostBuffer.of(out);
        checkMatmulShapes(w, in, o);
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            TensorCodec.dequantize(w.type(), w.data(), (long) r * w.cols(), row, 0, w.cols());
            for (int i = 0; i < n; i++) {
                o.data[i * o.cols() + r] = dot(row, 0, in.data, i * in.cols(), w.cols());
            }
        }
    }

    static void checkMatmulShapes(HostWeight w, HostBuffer in, HostBuffer out) {
        if (in.cols() != w.cols() || out.cols() != w.rows()) {
            throw new IllegalArgumentException("matmul " + w.name() + " [" + w.rows() + ", " + w.cols() + "]: input has "
                    + in.cols() + " columns, output " + out.cols() + " (expected: " + w.cols() + " and " + w.rows() + ")");
        }
    }
}
