package dev.specula.train.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The threads a training run computes on. Work is split by output element, never by reduction index, so
 * every sum runs in one fixed order and results do not depend on the thread count: the same seed gives the
 * same weights on 1 or 16 threads.
 */
public final class Workers implements AutoCloseable {

    /** Runs everything on the calling thread. */
    public static final Workers SERIAL = new Workers(1);

    private final ForkJoinPool pool;
    private final int threads;

    public Workers(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /** One worker per available processor. */
    public static Workers allProcessors() {
        return new Workers(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} for every index in {@code [0, count)}, in parallel, and returns when all are done. */
    public void forEach(int count, IntConsumer body) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
