package dev.specula.engine.kernel.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.requireCuda;

/**
 * One CUDA backend per kernel test class: opened by the first test, closed after the last. Each test checks
 * for a device itself, so that every skipped test reports the reason.
 */
abstract class SharedCudaBackend {

    /** The class's backend; set before each test that runs. */
    static CudaBackend cuda;

    @BeforeEach
    void openBackend() {
        requireCuda();
        if (cuda == null) {
            cuda = new CudaBackend();
        }
    }

    @AfterAll
    static void closeBackend() {
        if (cuda != null) {
            cuda.close();
            cuda = null;
        }
    }
}
