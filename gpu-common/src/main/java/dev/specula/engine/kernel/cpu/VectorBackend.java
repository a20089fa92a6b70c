package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.GgmlType;

import java.util.function.IntConsumer;

/**
 * The fast CPU backend: Vector API inner loops ({@link VectorMath}, {@link VectorDecode}) with rows of every
 * matmul and heads of attention spread over all cores.
 */
public final class VectorBackend extends CpuBackend {

    /**
     * The threads of every default backend in this process. The models of one process (a drafter and a target, or
     * a whole mesh in one JVM) then take turns on one thread per core instead of each spinning its own threads on
     * the same cores. Never closed: its idle threads park.
     */
    private static final class SharedWorkers {
        static final int THREADS = Runtime.getRuntime().availableProcessors();
        static final SpinningWorkers POOL = new SpinningWorkers(THREADS);
    }

    private final int threads;
    private final SpinningWorkers workers;
    private final boolean ownsWorkers;
    private final ThreadLocal<float[]> rowScratch = ThreadLocal.withInitial(() -> new float[0]);

    /** A backend with one thread per available core, shared with the other default backends of this process. */
    public VectorBackend() {
        this.threads = SharedWorkers.THREADS;
        this.workers = SharedWorkers.POOL;
        this.ownsWorkers = false;
    }

    /** A backend with its own {@code threads} threads. */
    public VectorBackend(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        this.threads = threads;
        this.workers = new SpinningWorkers(threads);
        this.ownsWorkers = true;
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
        if (n == 1 && (w.type() == GgmlType.Q8_0 || w.type() == GgmlType.Q4_0) && QuantizedDot.supported()) {
            // Decode of quantized weights: multiply each block in registers, never materialising the row.
            boolean q8 = w.type() == GgmlType.Q8_0;
            parallelRanges(w.rows(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    o.data[r] = q8 ? QuantizedDot.q8(w.data(), w.rowOffset(r), in.data, 0, cols)
                            : QuantizedDot.q4(w.data(), w.rowOffset(r), in.data, 0, cols);
                }
            });
            return;
        }
        if (n <= KQuantBlocks.MAX_TOKENS && w.type().isKQuant() && KQuantBlocks.supported()) {
            // Decode and small verification blocks of K-quant weights: each super-block in registers, unpacked once
            // for the block's tokens, with the same sums as one token at a time.
            float[][] sums16 = new float[n][];
            for (int i = 0; i < n; i++) {
                sums16[i] = KQuantBlocks.sums16(in.data, i * in.cols(), cols);
            }
            parallelRanges(w.rows(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    KQuantBlocks.dot(w.type(), w.data(), w.rowOffset(r), in.data, in.cols(), n, sums16, cols, o.data,
                            o.cols(), r);
                }
            });
            return;
        }
        if ((n == 2 || n == 3) && w.type() == GgmlType.Q8_0 && QuantizedDot.supported()) {
            // A small verification block: widen each Q8_0 block once for its two or three tokens.
            parallelRanges(w.rows(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    QuantizedDot.q8Tokens(w.data(), w.rowOffset(r), in.data, in.cols(), n, cols, o.data, o.cols(), r);
                }
            });
            return;
        }
        // Otherwise decode each row once into cache and reuse it for every token.
        parallelRanges(w.rows(), (from, to) -> {
            float[] rows = scratch(2 * cols);
            int r = from;
            for (; r + 2 <= to; r += 2) {
                VectorDecode.row(w.type(), w.data(), w.rowOffset(r), rows, 2 * cols);
                VectorMath.twoRowsTimesTokens(rows, cols, in.data, in.cols(), n, o.data, o.cols(), r);
            }
            if (r < to) {
                VectorDecode.row(w.type(), w.data(), w.rowOffset(r), rows, cols);
                VectorMath.rowTimesTokens(rows, cols, in.data, in.cols(), n, o.data, o.cols(), r);
            }
        });
    }

    @Override
    public void close() {
        if (ownsWorkers) {
            workers.close();
        }
    }

    private float[] scratch(int size) {
        float[] row = rowScratch.get();
        if (row.length < size) {
            row = new float[size];
            rowScratch.set(row);
        }
        return row;
    }

    private void parallelRanges(int count, SpinningWorkers.RangeBody body) {
        workers.run(count, body);
    }
}
