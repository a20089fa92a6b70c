package dev.specula.train.kernel;

import org.junit.jupiter.api.Test;

import static dev.specula.train.kernel.FiniteDifferences.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GemmTest {

    @Test
    void multiplyAdd_oddShapes_matchesTripleLoopAndAccumulates() {
        for (int[] shape : new int[][] {{1, 1, 1}, {5, 7, 37}, {4, 33, 64}, {9, 16, 100}, {13, 3, 17}}) {
            int m = shape[0], k = shape[1], n = shape[2];
            float[] a = gaussian(m * k, 1);
            float[] b = gaussian(k * n, 2);
            float[] c = gaussian(m * n, 3);
            float[] expected = c.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[i * k + p] * b[p * n + j];
                    }
                    expected[i * n + j] += (float) sum;
                }
            }
            try (Workers workers = new Workers(2)) {
                Gemm.multiplyAdd(a, b, c, m, k, n, workers);
            }
            for (int i = 0; i < c.length; i++) {
                assertThat(c[i]).as("shape %d×%d×%d element %d", m, k, n, i).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    @Test
    void multiplyAdd_anyThreadCount_bitIdenticalResults() {
        int m = 37, k = 129, n = 70;
        float[] a = gaussian(m * k, 4);
        float[] b = gaussian(k * n, 5);
        float[] one = new float[m * n];
        float[] three = new float[m * n];
        try (Workers w1 = new Workers(1); Workers w3 = new Workers(3)) {
            Gemm.multiplyAdd(a, b, one, m, k, n, w1);
            Gemm.multiplyAdd(a, b, three, m, k, n, w3);
        }
        assertThat(three).containsExactly(one);
    }

    @Test
    void transpose_rectangle_swapsIndices() {
        float[] src = gaussian(7 * 45, 6);
        float[] dst = new float[src.length];
        try (Workers workers = new Workers(2)) {
            Gemm.transpose(src, 7, 45, dst, workers);
        }
        for (int r = 0; r < 7; r++) {
            for (int c = 0; c < 45; c++) {
                assertThat(dst[c * 7 + r]).isEqualTo(src[r * 45 + c]);
            }
        }
    }

    @Test
    void multiplyAdd_shortArray_namesIt() {
        try (Workers workers = new Workers(1)) {
            assertThatThrownBy(() -> Gemm.multiplyAdd(new float[6], new float[5], new float[6], 2, 3, 2, workers))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b: 5 elements (expected: at least 6)");
        }
    }
}
