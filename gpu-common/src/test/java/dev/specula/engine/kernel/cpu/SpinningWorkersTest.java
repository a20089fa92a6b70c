package dev.specula.engine.kernel.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpinningWorkersTest {

    @Test
    void run_manyJobsBackToBack_coverEveryIndexExactlyOnce() {
        // Jobs follow each other within microseconds, so late workers meet newer jobs: none may run a stale range.
        try (SpinningWorkers workers = new SpinningWorkers(3)) {
            for (int job = 0; job < 60_000; job++) {
                int count = 1 + job % 97;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                workers.run(count, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertThat(runs.get(i)).as("job %d, index %d of %d", job, i, count).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void run_failingRange_isRethrownToTheCaller() {
        try (SpinningWorkers workers = new SpinningWorkers(2)) {
            assertThatThrownBy(() -> workers.run(64, (from, to) -> {
                if (from <= 40 && 40 < to) {
                    throw new ArithmeticException("row 40");
                }
            })).hasMessageContaining("row 40");
            int[] sum = new int[1];
            workers.run(1, (from, to) -> sum[0] += to - from);
            assertThat(sum[0]).as("the pool keeps working after a failure").isEqualTo(1);
        }
    }
}
