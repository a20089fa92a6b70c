package dev.specula.engine.kernel.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The driver probe never throws, and explains itself on a machine without an NVIDIA driver. */
class CudaDriverTest {

    @Test
    void availability_calledTwice_returnsTheSameCachedAnswer() {
        assertThat(CudaDriver.availability()).isSameAs(CudaDriver.availability());
        assertThat(CudaDriver.availability().detail()).isNotBlank();
    }

    @Test
    void availability_withoutLibcuda_isUnavailableNamingTheLibrary() {
        assumeFalse(libcudaPresent(), "libcuda.so.1 is installed: the probe may succeed here");
        CudaAvailability a = CudaDriver.availability();
        assertThat(a.available()).isFalse();
        assertThat(a.detail()).contains("libcuda.so.1");
    }

    private static boolean libcudaPresent() {
        try (Stream<String> dirs = Stream.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
                "/usr/local/cuda/lib64/stubs", "/usr/lib/wsl/lib")) {
            return dirs.anyMatch(d -> Files.exists(Path.of(d, "libcuda.so.1")))
                    || System.getenv().getOrDefault("LD_LIBRARY_PATH", "").contains("cuda");
        }
    }
}
