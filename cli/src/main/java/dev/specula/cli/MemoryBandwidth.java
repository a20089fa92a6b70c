package dev.specula.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures this machine's memory bandwidth as a large off-heap copy, the bound that decoding (which reads
 * every weight once per token) can at best reach. Reported as bytes copied per second.
 */
final class MemoryBandwidth {

    private MemoryBandwidth() {
    }

    /** Best of {@code repeats} copies of {@code bytes}, split over {@code threads} threads; in bytes per second. */
    static double copyBytesPerSecond(long bytes, int threads, int repeats) throws InterruptedException, ExecutionException {
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            MemorySegment src = arena.allocate(bytes, 64);
            MemorySegment dst = arena.allocate(bytes, 64);
            src.fill((byte) 1);
            dst.fill((byte) 0); // touch every page before timing
            long best = Long.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                List<Future<?>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long from = bytes * t / threads;
                    long to = bytes * (t + 1) / threads;
                    parts.add(pool.submit(() -> MemorySegment.copy(src, from, dst, from, to - from)));
                }
                for (Future<?> part : parts) {
                    part.get();
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            return bytes / (best / 1e9);
        }
    }
}
