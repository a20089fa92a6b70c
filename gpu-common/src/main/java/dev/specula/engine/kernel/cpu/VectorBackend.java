package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * The fast CPU backend: Vector API inner loops ({@link VectorMath}, {@link VectorDecode}) with rows of every
 * matmul and heads of attention spread over all cores.
 */
public final class VectorBackend extends CpuBackend {

    private final int threads;
    private final ForkJoinPool pool;
    private final ThreadLocal<float[]> rowScratch = ThreadLocal.withInitial(() -> new float[0]);

    /** A backend with one thread per available core. */
    public VectorBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public VectorBackend(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String description() {
        return "vector: Java Vector API, " + VectorMath.F.vectorBitSize() + "-bit float vectors, " + threads + " threads";
    }

    @Override
    void parallelFor(int count, IntConsumer body) {
        parallelRanges(count, (from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    @Override
    float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        return VectorMath.dot(a, aOff, b, bOff, len);
    }

    @Override
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        VectorMath.axpy(alpha, x, xOff, y, yOff, len);
    }

    @Override
    public void matmul(DeviceWeight weight, DeviceBuffer x, DeviceBuffer out, int n) {
        HostWeight w = HostWeight.of(weight);
        HostBuffer in = HostBuffer.of(x);
        HostBuffer o = HostBuffer.of(out);
        NaiveBackend.checkMatmulShapes(w, in, o);
        int cols = w.cols();
        if (n == 1 && w.type() == GgmlType.F32) {
            // Decode: stream each row straight from the mapped file; this is the memory-bound case.
            parallelRanges(w.rows(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    o.data[r] = VectorMath.dot(w.data(), w.rowOffset(r), in.data, 0, cols);
                }
            });
            return;
        }
        // Otherwise decode each row once into cache and reuse it for every token.
        parallelRanges(w.rows(), (from, to) -> {
            float[] row = scratch(cols);
            for (int r = from; r < to; r++) {
                VectorDecode.row(w.type(), w.data(), w.rowOffset(r), row, cols);
                VectorMath.rowTimesTokens(row, cols, in.data, in.cols(), n, o.data, o.cols(), r);
            }
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private float[] scratch(int size) {
        float[] row = rowScratch.get();
        if (row.length < size) {
            row = new float[size];
            rowScratch.set(row);
        }
        return row;
    }

    /** A half-open index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** Splits {@code [0, count)} into one contiguous range per thread; the caller's thread takes the first. */
    void parallelRanges(int count, RangeBody body) {
        int parts = Math.min(threads, count);
        if (parts <= 1) {
            body.run(0, count);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) count * p / parts);
            int to = (int) ((long) count * (p + 1) / parts);
            tasks[p - 1] = pool.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) count / parts));
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }
}
