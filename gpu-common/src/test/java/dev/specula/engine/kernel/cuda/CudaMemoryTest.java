package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.randomWeight;
import static dev.specula.engine.kernel.cuda.CudaTestSupport.requireCuda;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device memory accounting, the out-of-memory error, and use after free or close. */
class CudaMemoryTest {

    @Test
    void allocateAndFree_accountedExactly() {
        requireCuda();
        try (CudaBackend cuda = new CudaBackend()) {
            long before = cuda.allocatedBytes();
            DeviceBuffer b = cuda.allocate(100, 33);
            assertThat(cuda.allocatedBytes()).isEqualTo(before + 4 * 100 * 33);
            cuda.load(randomWeight(GgmlType.Q8_0, 10, 64, new SplittableRandom(1)));
            assertThat(cuda.allocatedBytes()).isEqualTo(before + 4 * 100 * 33 + 10 * 2 * 34);
            cuda.free(b);
            assertThat(cuda.allocatedBytes()).isEqualTo(before + 10 * 2 * 34);
            assertThat(cuda.description()).contains("weights 680 B in 1 tensors").contains("free of");
            assertThatThrownBy(() -> cuda.read(b, 0, new float[33])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already freed");
        }
    }

    @Test
    void allocate_moreThanTheDevice_failsNamingSizeAndFreeMemory() {
        requireCuda();
        try (CudaBackend cuda = new CudaBackend()) {
            assertThatThrownBy(() -> cuda.allocate(1 << 20, 1 << 20)) // 4 TiB
                    .isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageContaining("buffer [1048576, 1048576]: 4.00 TiB needed").hasMessageContaining("free of");
            assertThatThrownBy(() -> cuda.requireFits(1L << 50, "model big.gguf (weights + KV caches)"))
                    .isInstanceOf(OutOfDeviceMemoryException.class)
                    .hasMessageContaining("model big.gguf (weights + KV caches): 1024.00 TiB needed");
        }
    }

    @Test
    void closedBackend_rejectsCalls() {
        requireCuda();
        CudaBackend cuda = new CudaBackend();
        DeviceBuffer b = cuda.allocate(2, 2);
        cuda.close();
        assertThatThrownBy(() -> cuda.allocate(1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> cuda.write(b, 0, new float[2])).isInstanceOf(IllegalStateException.class);
    }
}
