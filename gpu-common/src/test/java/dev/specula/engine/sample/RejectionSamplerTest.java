package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Deterministic properties of exact-match verification; the distributional ones are in SpeculativeLosslessTest. */
class RejectionSamplerTest {

    private static SparseDistribution dist(float... dense) {
        return SparseDistribution.fromDense(dense);
    }

    @Test
    void verify_allAccepted_k1_commitsBonus() {
        Verification v = RejectionSampler.verify(new int[] {5, 9}, new int[] {5});
        assertThat(v).isEqualTo(new Verification(1, new int[] {5, 9}, true));
        assertThat(v.nextToken()).isEqualTo(9);
    }

    @Test
    void verify_allAccepted_k8_commitsDraftsThenBonus() {
        int[] drafts = {1, 2, 3, 4, 5, 6, 7, 8};
        Verification v = RejectionSampler.verify(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 42}, drafts);
        assertThat(v.accepted()).isEqualTo(8);
        assertThat(v.bonus()).isTrue();
        assertThat(v.committed()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 42);
    }

    @Test
    void verify_firstMismatch_k1_commitsTargetsToken() {
        Verification v = RejectionSampler.verify(new int[] {4, 9}, new int[] {5});
        assertThat(v).isEqualTo(new Verification(0, new int[] {4}, false));
    }

    @Test
    void verify_firstMismatch_k8_recoveredIsTargetsToken_nothingAfterIt() {
        // Position 3 mismatches; position 5 would match again but must not be looked at.
        int[] target = {1, 2, 3, 40, 5, 6, 7, 8, 42};
        Verification v = RejectionSampler.verify(target, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(v.accepted()).isEqualTo(3);
        assertThat(v.bonus()).isFalse();
        assertThat(v.committed()).containsExactly(1, 2, 3, 40);
    }

    @Test
    void verify_zeroDrafts_commitsBonusOnly() {
        assertThat(RejectionSampler.verify(new int[] {7}, new int[0]))
                .isEqualTo(new Verification(0, new int[] {7}, true));
    }

    @Test
    void verify_anyDrafts_committedAreTheTargetsOwnDrawsAtTheirPositions() {
        var p = new SparseDistribution[] {dist(0.5f, 0.3f, 0.2f), dist(0.1f, 0.1f, 0.8f), dist(0.3f, 0.3f, 0.4f),
                dist(0.6f, 0.2f, 0.2f)};
        var pick = new SplittableRandom(1);
        for (long seed = 0; seed < 500; seed++) {
            int[] drafts = pick.ints(3, 0, 3).toArray();
            Verification v = RejectionSampler.verify(p, drafts, seed, 10);
            int[] committed = v.committed();
            for (int i = 0; i < committed.length; i++) {
                assertThat(committed[i]).as("seed %d, position %d", seed, 10 + i)
                        .isEqualTo(SeededDraw.token(p[i], seed, 10 + i));
            }
        }
    }

    @Test
    void verify_draftsDrawnFromPWithSameNoise_alwaysAccepted() {
        var p = dist(0.1f, 0.2f, 0.3f, 0.4f);
        SparseDistribution[] target = new SparseDistribution[9];
        Arrays.fill(target, p);
        for (long seed = 0; seed < 1000; seed++) {
            long s = seed;
            int[] drafts = java.util.stream.IntStream.range(0, 8).map(i -> SeededDraw.token(p, s, 20 + i)).toArray();
            Verification v = RejectionSampler.verify(target, drafts, seed, 20);
            assertThat(v.accepted()).isEqualTo(8);
            assertThat(v.bonus()).isTrue();
        }
    }

    @Test
    void verify_draftTokenTargetCannotProduce_alwaysRejected() {
        var p = dist(0.5f, 0.5f, 0f);
        for (long seed = 0; seed < 1000; seed++) {
            Verification v = RejectionSampler.verify(new SparseDistribution[] {p, p}, new int[] {2}, seed, 3);
            assertThat(v.accepted()).isZero();
            assertThat(v.nextToken()).isIn(0, 1);
        }
    }

    @Test
    void verify_mismatchedLengths_rejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verify(new int[] {1}, new int[] {1}))
                .withMessage("targetTokens: 1 positions (expected: draftTokens.length + 1 = 2)");
        var p = dist(0.5f, 0.5f);
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verify(
                        new SparseDistribution[] {p}, new int[] {0}, 1, 0))
                .withMessage("targetTokens: 1 positions (expected: draftTokens.length + 1 = 2)");
    }

    @Test
    void verification_invalid_rejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Verification(2, new int[] {1, 2}, true))
                .withMessage("committed: 2 tokens (expected: accepted + 1 = 3)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Verification(-1, new int[0], false))
                .withMessage("accepted: -1 (expected: >= 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> new Verification(0, new int[] {-3}, false))
                .withMessage("committed[0]: -3 (expected: >= 0)");
    }

    @Test
    void verifyLogits_greedyAndSampled_agreeWithVerifyingTheirDistributions() {
        float[][] logits = {{2f, 1f, 0.5f, -1f}, {0f, 3f, 1f, 1f}, {1f, 1f, 2f, 0f}}; // [k + 1, vocab]
        int[] drafts = {0, 2};
        assertThat(RejectionSampler.verify(logits, drafts, SamplingParams.greedy(), 5))
                .isEqualTo(RejectionSampler.verify(new int[] {0, 1, 2}, drafts));

        Sampler sampler = new Sampler();
        for (long seed = 0; seed < 20; seed++) {
            SamplingParams sampled = new SamplingParams(0.8f, 0, 0.95, 0, seed);
            SparseDistribution[] p = Arrays.stream(logits).map(row -> sampler.distribution(row, sampled))
                    .toArray(SparseDistribution[]::new);
            assertThat(RejectionSampler.verify(logits, drafts, sampled, 5))
                    .isEqualTo(RejectionSampler.verify(p, drafts, seed, 5));
        }
    }
}
