package dev.specula.engine.kernel.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one range job at a time across a fixed set of threads with microsecond hand-off. A decode step runs
 * dozens of short parallel sections; waking parked pool threads for each costs tens of microseconds, so
 * workers spin briefly between sections and only park after {@link #SPIN_NANOS} without work.
 *
 * <p>A job is cut into a few chunks per thread, taken from a shared counter by the caller and by every worker
 * that is running. On a busy machine a worker may not be scheduled for milliseconds: the caller then takes its
 * chunks instead of spinning until it wakes, and yields its core while it waits for a chunk in progress, so two
 * threads are never much slower than one.
 */
final class SpinningWorkers implements AutoCloseable {

    /** A half-open index range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;
    /** How long the caller spins for chunks in progress before it yields its core to them. */
    private static final long CALLER_SPIN_NANOS = 20_000;
    private static final int CHUNKS_PER_THREAD = 4;

    private final Thread[] workers;
    /** The job's generation (high 32 bits) and its next unclaimed chunk (low 32 bits), claimed by compare-and-set. */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile RangeBody body;
    private volatile int count;
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile boolean closed;

    SpinningWorkers(int threads) {
        workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().daemon().name("specula-kernel-" + (w + 1)).start(this::work);
        }
    }

    /** Runs {@code body} over {@code [0, count)} in contiguous ranges, on the caller's thread and the workers. */
    synchronized void run(int count, RangeBody body) {
        int chunks = Math.min(count, (workers.length + 1) * CHUNKS_PER_THREAD);
        if (workers.length == 0 || chunks <= 1) {
            body.run(0, count);
            return;
        }
        // Close the last job's claims first: a worker still in it must not claim a chunk of this one's body.
        long generation = (claims.get() >>> 32) + 1;
        claims.set(generation << 32 | Integer.MAX_VALUE);
        this.body = body;
        this.count = count;
        this.chunks = chunks;
        failure = null;
        done.set(0);
        claims.set(generation << 32);
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        runChunks(generation);
        long waitingSince = System.nanoTime();
        while (done.get() < chunks) {
            if (System.nanoTime() - waitingSince < CALLER_SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        if (failure != null) {
            throw new IllegalStateException("kernel worker failed: " + failure, failure);
        }
    }

    /**
     * Claims and runs chunks of job {@code generation} until none is left. A thread that comes late, after that
     * job ended, claims nothing: its compare-and-set sees another generation. A successful claim keeps the job
     * running until the chunk is done, so the body and count read after it are that job's.
     */
    private void runChunks(long generation) {
        while (true) {
            long claim = claims.get();
            if (claim >>> 32 != generation || (int) claim >= chunks) {
                return;
            }
            if (claims.compareAndSet(claim, claim + 1)) {
                int chunk = (int) claim;
                int n = count;
                int parts = chunks;
                try {
                    body.run((int) ((long) n * chunk / parts), (int) ((long) n * (chunk + 1) / parts));
                } catch (Throwable t) {
                    failure = t;
                }
                done.incrementAndGet();
            }
        }
    }

    private void work() {
        long seen = 0;
        long idleSince = System.nanoTime();
        while (!closed) {
            long generation = claims.get() >>> 32;
            if (generation != seen) {
                seen = generation;
                runChunks(generation);
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
