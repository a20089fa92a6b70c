package dev.specula.engine.kernel.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one range job at a time across a fixed set of threads with microsecond hand-off. A decode step runs
 * dozens of short parallel sections; waking parked pool threads for each costs tens of microseconds, so
 * workers spin briefly between sections and only park after {@link #SPIN_NANOS} without work.
 */
final class SpinningWorkers implements AutoCloseable {

    /** A half-open index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;

    private final Thread[] workers;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile RangeBody body;
    private volatile int count;
    private volatile int parts;
    private volatile Throwable failure;
    private volatile boolean closed;

    SpinningWorkers(int threads) {
        workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int part = w + 1;
            workers[w] = Thread.ofPlatform().daemon().name("specula-kernel-" + part).start(() -> work(part));
        }
    }

    /** Splits {@code [0, count)} into one contiguous range per thread; the caller's thread takes the first. */
    synchronized void run(int count, RangeBody body) {
        int parts = Math.min(workers.length + 1, count);
        if (parts <= 1) {
            body.run(0, count);
            return;
        }
        this.body = body;
        this.count = count;
        this.parts = parts;
        this.failure = null;
        remaining.set(parts - 1);
        generation.incrementAndGet();
        for (int w = 0; w < parts - 1; w++) {
            LockSupport.unpark(workers[w]);
        }
        body.run(0, count / parts);
        while (remaining.get() > 0) {
            Thread.onSpinWait();
        }
        if (failure != null) {
            throw new IllegalStateException("kernel worker failed: " + failure, failure);
        }
    }

    private void work(int part) {
        int seen = 0;
        long idleSince = System.nanoTime();
        while (!closed) {
            int current = generation.get();
            if (current != seen) {
                seen = current;
                if (part < parts) {
                    int n = count;
                    try {
                        body.run((int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts));
                    } catch (Throwable t) {
                        failure = t;
                    }
                    remaining.decrementAndGet();
                }
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
