package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SparseDistributionTest {

    @Test
    void constructor_unsortedTokens_sortedWithTheirProbabilities() {
        var d = new SparseDistribution(new int[] {9, 2, 5}, new float[] {0.5f, 0.2f, 0.3f});
        assertThat(d.tokens()).containsExactly(2, 5, 9);
        assertThat(d.probs()).containsExactly(0.2f, 0.3f, 0.5f);
    }

    @Test
    void prob_listedAndAbsentTokens() {
        var d = new SparseDistribution(new int[] {3, 100, 70_000}, new float[] {0.25f, 0.25f, 0.5f});
        assertThat(d.prob(100)).isEqualTo(0.25f);
        assertThat(d.prob(70_000)).isEqualTo(0.5f);
        assertThat(d.prob(4)).isZero();
        assertThat(d.prob(0)).isZero();
        assertThat(d.prob(1 << 20)).isZero();
    }

    @Test
    void constructor_invalid_rejectedWithExpectedRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[] {1}, new float[] {0.5f, 0.5f}))
                .withMessage("tokens/probs: 1 tokens but 2 probs (expected: the same length)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[0], new float[0]))
                .withMessage("tokens: empty (expected: at least one token)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[] {1, 2}, new float[] {1f, 0f}))
                .withMessage("probs[1]: 0.0 (expected: finite and > 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[] {-1}, new float[] {1f}))
                .withMessage("tokens[0]: -1 (expected: >= 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[] {1, 2}, new float[] {0.5f, 0.4f}))
                .withMessageStartingWith("probs: sum 0.9");
        assertThatIllegalArgumentException().isThrownBy(() -> new SparseDistribution(new int[] {4, 4}, new float[] {0.5f, 0.5f}))
                .withMessage("tokens: 4 listed twice (expected: distinct)");
    }

    @Test
    void fromDense_dropsZeros_andRoundTrips() {
        float[] dense = {0f, 0.5f, 0f, 0.125f, 0.375f};
        var d = SparseDistribution.fromDense(dense);
        assertThat(d.tokens()).containsExactly(1, 3, 4);
        assertThat(d.toDense(5)).containsExactly(dense);
        assertThatIllegalArgumentException().isThrownBy(() -> SparseDistribution.fromDense(new float[] {1.5f, -0.5f}))
                .withMessage("probs[1]: -0.5 (expected: finite and >= 0)");
    }

    @Test
    void accessors_returnCopies() {
        var d = SparseDistribution.pointMass(7);
        d.tokens()[0] = 8;
        d.probs()[0] = 0.5f;
        assertThat(d).isEqualTo(SparseDistribution.pointMass(7));
        assertThat(d.prob(7)).isEqualTo(1f);
    }

    @Test
    void sample_frequenciesMatchProbabilities() {
        var d = new SparseDistribution(new int[] {0, 3, 4, 8, 11}, new float[] {0.05f, 0.4f, 0.3f, 0.2f, 0.05f});
        var rng = new SplittableRandom(7);
        long[] counts = new long[12];
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            counts[d.sample(rng)]++;
        }
        double[] probs = new double[12];
        for (int t = 0; t < 12; t++) {
            probs[t] = d.prob(t);
        }
        // Significance 1e-3 with a fixed seed: deterministic, and a real bias this large fails by orders of magnitude.
        ChiSquare.Statistic statistic = ChiSquare.pearson(counts, probs);
        assertThat(statistic.pValue()).as("%s", statistic).isGreaterThan(1e-3);
    }
}
