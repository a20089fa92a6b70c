package dev.specula.engine.kernel;

import dev.specula.engine.kernel.cuda.CudaDriver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Backend selection by name, and the CUDA fallback on machines without a driver (such as CI). */
class BackendsTest {

    @Test
    void create_unknownName_failsNamingTheChoices() {
        assertThatThrownBy(() -> Backends.create("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backend: tpu").hasMessageContaining("cuda").hasMessageContaining("auto");
    }

    @Test
    void create_autoWithoutCuda_usesVectorAndLogsTheReasonOnce() {
        assumeFalse(CudaDriver.availability().available(), "a CUDA device is present: auto takes it, no fallback");
        Logger logger = Logger.getLogger(Backends.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            int before = Backends.fallbacks();
            for (int i = 0; i < 2; i++) {
                try (Backend backend = Backends.create("auto")) {
                    assertThat(backend.name()).isEqualTo("vector");
                }
            }
            List<LogRecord> notices = records.stream()
                    .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("CUDA unavailable")).toList();
            assertThat(Backends.fallbacks()).isEqualTo(before + 2);
            assertThat(notices).hasSize(before == 0 ? 1 : 0);
            if (!notices.isEmpty()) {
                assertThat(notices.getFirst().getMessage()).contains(CudaDriver.availability().detail()).contains("using vector");
            }
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void create_cudaWithoutDriver_failsWithTheReason() {
        assumeFalse(CudaDriver.availability().available(), "a CUDA device is present: the cuda backend starts");
        assertThatThrownBy(() -> Backends.create("cuda"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend cuda")
                .hasMessageContaining(CudaDriver.availability().detail());
    }

    @Test
    void create_autoWithCuda_usesCuda() {
        assumeTrue(CudaDriver.availability().available(), "needs a CUDA device: " + CudaDriver.availability().detail());
        try (Backend backend = Backends.create("auto")) {
            assertThat(backend.name()).isEqualTo("cuda");
            assertThat(backend.description()).contains("device memory");
        }
    }
}
