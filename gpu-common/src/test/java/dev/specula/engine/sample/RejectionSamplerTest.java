package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Deterministic properties of the acceptance rule; the distributional ones are in {@link SpeculativeLosslessTest}. */
class RejectionSamplerTest {

    private static SparseDistribution dist(float... dense) {
        return SparseDistribution.fromDense(dense);
    }

    @Test
    void verifyGreedy_allAccepted_k1_commitsBonus() {
        Verification v = RejectionSampler.verifyGreedy(new int[] {5, 9}, new int[] {5});
        assertThat(v).isEqualTo(new Verification(1, new int[] {5, 9}, true));
        assertThat(v.nextToken()).isEqualTo(9);
    }

    @Test
    void verifyGreedy_allAccepted_k8_commitsDraftsThenBonus() {
        int[] drafts = {1, 2, 3, 4, 5, 6, 7, 8};
        Verification v = RejectionSampler.verifyGreedy(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 42}, drafts);
        assertThat(v.accepted()).isEqualTo(8);
        assertThat(v.bonus()).isTrue();
        assertThat(v.committed()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 42);
    }

    @Test
    void verifyGreedy_firstMismatch_k1_commitsRecoveredArgmax() {
        Verification v = RejectionSampler.verifyGreedy(new int[] {4, 9}, new int[] {5});
        assertThat(v).isEqualTo(new Verification(0, new int[] {4}, false));
    }

    @Test
    void verifyGreedy_firstMismatch_k8_recoveredIsTargetArgmax_nothingAfterIt() {
        // Position 3 mismatches; position 5 would match again but must not be looked at.
        int[] argmax = {1, 2, 3, 40, 5, 6, 7, 8, 42};
        Verification v = RejectionSampler.verifyGreedy(argmax, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(v.accepted()).isEqualTo(3);
        assertThat(v.bonus()).isFalse();
        assertThat(v.committed()).containsExactly(1, 2, 3, 40);
    }

    @Test
    void verifyGreedy_zeroDrafts_commitsBonusOnly() {
        assertThat(RejectionSampler.verifyGreedy(new int[] {7}, new int[0]))
                .isEqualTo(new Verification(0, new int[] {7}, true));
    }

    @Test
    void verify_pointMasses_agreesWithVerifyGreedy() {
        int[] argmax = {1, 2, 3, 40, 5};
        int[] drafts = {1, 2, 3, 4};
        SparseDistribution[] target = Arrays.stream(argmax).mapToObj(SparseDistribution::pointMass)
                .toArray(SparseDistribution[]::new);
        SparseDistribution[] draft = Arrays.stream(drafts).mapToObj(SparseDistribution::pointMass)
                .toArray(SparseDistribution[]::new);
        assertThat(RejectionSampler.verify(target, drafts, draft, new SplittableRandom(1)))
                .isEqualTo(RejectionSampler.verifyGreedy(argmax, drafts));
    }

    @Test
    void verify_qEqualsP_alwaysAccepts() {
        var p = dist(0.1f, 0.2f, 0.3f, 0.4f);
        var rng = new SplittableRandom(2);
        for (int trial = 0; trial < 1000; trial++) {
            int[] drafts = IntStream.range(0, 8).map(i -> p.sample(rng)).toArray();
            SparseDistribution[] target = new SparseDistribution[9];
            Arrays.fill(target, p);
            Verification v = RejectionSampler.verify(target, drafts, Arrays.copyOf(target, 8), rng);
            assertThat(v.accepted()).isEqualTo(8);
            assertThat(v.bonus()).isTrue();
        }
    }

    @Test
    void verify_draftTokenTargetCannotProduce_alwaysRejected_recoveredFromResidual() {
        var p = dist(0.5f, 0.5f, 0f);
        var q = dist(0.2f, 0.2f, 0.6f);
        var rng = new SplittableRandom(3);
        for (int trial = 0; trial < 1000; trial++) {
            Verification v = RejectionSampler.verify(new SparseDistribution[] {p, p}, new int[] {2},
                    new SparseDistribution[] {q}, rng);
            assertThat(v.accepted()).isZero();
            assertThat(v.nextToken()).isIn(0, 1);
        }
    }

    @Test
    void recoveryDistribution_isNormalizedPositivePartOfPMinusQ() {
        var p = dist(0.5f, 0.3f, 0.2f, 0f);
        var q = dist(0.1f, 0.4f, 0.1f, 0.4f);
        // max(0, p - q) = {0.4, 0, 0.1, 0} -> {0.8, 0, 0.2, 0}
        var r = RejectionSampler.recoveryDistribution(p, q);
        assertThat(r.tokens()).containsExactly(0, 2);
        assertThat((double) r.prob(0)).isCloseTo(0.8, within(1e-6));
        assertThat((double) r.prob(2)).isCloseTo(0.2, within(1e-6));
    }

    @Test
    void recoveryDistribution_pEqualsQ_fallsBackToP() {
        var p = dist(0.25f, 0.75f);
        assertThat(RejectionSampler.recoveryDistribution(p, p)).isEqualTo(p);
    }

    @Test
    void verify_singlePosition_acceptanceRateIsSumOfMinPQ() {
        var p = dist(0.30f, 0.25f, 0.15f, 0.10f, 0.10f, 0.05f, 0.05f, 0f);
        var q = dist(0.05f, 0.10f, 0.30f, 0.05f, 0.10f, 0.05f, 0.15f, 0.20f);
        double beta = 0;
        for (int x = 0; x < 8; x++) {
            beta += Math.min(p.prob(x), q.prob(x)); // = 0.05+0.10+0.15+0.05+0.10+0.05+0.05+0 = 0.55
        }
        var rng = new SplittableRandom(4);
        int n = 200_000;
        long accepted = 0;
        for (int trial = 0; trial < n; trial++) {
            int x = q.sample(rng);
            accepted += RejectionSampler.verify(new SparseDistribution[] {p, p}, new int[] {x},
                    new SparseDistribution[] {q}, rng).accepted();
        }
        // Binomial standard error sqrt(0.55 * 0.45 / 200k) ≈ 0.0011; 5 sigma ≈ 0.0056.
        double tolerance = 5 * Math.sqrt(beta * (1 - beta) / n);
        assertThat((double) accepted / n).isCloseTo(beta, within(tolerance));
    }

    @Test
    void verify_mismatchedLengthsOrImpossibleDraft_rejected() {
        var p = dist(0.5f, 0.5f);
        var rng = new SplittableRandom(5);
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verify(
                        new SparseDistribution[] {p}, new int[] {0}, new SparseDistribution[] {p}, rng))
                .withMessage("target: 1 distributions (expected: draftTokens.length + 1 = 2)");
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verify(
                        new SparseDistribution[] {p, p}, new int[] {0}, new SparseDistribution[0], rng))
                .withMessage("draft: 0 distributions (expected: draftTokens.length = 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verify(
                        new SparseDistribution[] {p, p}, new int[] {3}, new SparseDistribution[] {p}, rng))
                .withMessage("draftTokens[0]: 3 has probability 0 under draft[0] (expected: sampled from it)");
        assertThatIllegalArgumentException().isThrownBy(() -> RejectionSampler.verifyGreedy(new int[] {1}, new int[] {1}))
                .withMessage("targetArgmax: 1 positions (expected: draftTokens.length + 1 = 2)");
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
        SamplingParams greedy = SamplingParams.greedy();
        assertThat(RejectionSampler.verify(logits, drafts, null, greedy, null))
                .isEqualTo(RejectionSampler.verifyGreedy(new int[] {0, 1, 2}, drafts));

        SamplingParams sampled = new SamplingParams(0.8f, 0, 0.95, 0, 1);
        Sampler sampler = new Sampler();
        SparseDistribution[] p = Arrays.stream(logits).map(row -> sampler.distribution(row, sampled))
                .toArray(SparseDistribution[]::new);
        SparseDistribution[] q = {p[0], p[1]};
        for (long seed = 0; seed < 20; seed++) {
            assertThat(RejectionSampler.verify(logits, drafts, q, sampled, new SplittableRandom(seed)))
                    .isEqualTo(RejectionSampler.verify(p, drafts, q, new SplittableRandom(seed)));
        }
    }
}
