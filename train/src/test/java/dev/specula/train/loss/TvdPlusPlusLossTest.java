package dev.specula.train.loss;

import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TvdPlusPlusLossTest {

    private static final int ROWS = 3;
    private static final int VOCAB = 7;

    private static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void policyGradient_fixedTokensAndAdvantages_matchesCentralDifferencesOfSurrogate() {
        float[] student = LossChecks.logits(41, ROWS, VOCAB, 2.0);
        int[] tokens = {3, 0, 6};
        double[] advantages = {1.3, -0.7, 0.4};
        float[] dLogits = new float[ROWS * VOCAB];
        TvdPlusPlusLoss.policyGradient(student, tokens, advantages, null, ROWS, VOCAB, dLogits);
        LossChecks.assertMatchesFiniteDifferences(dLogits, student, x -> TvdPlusPlusLoss.policyGradient(x, tokens,
                advantages, null, ROWS, VOCAB, new float[ROWS * VOCAB]));
    }

    @Test
    void tvdPlusPlus_sampledTokensNoRewardFlip_matchesCentralDifferencesOfSurrogate() {
        int rows = 6;
        float[] student = LossChecks.logits(42, rows, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(43, rows, VOCAB, 2.0);
        int[] tokens = TvdPlusPlusLoss.sampleTokens(student, null, rows, VOCAB, random(44));
        // Rewards, hence their mean and deviation, stay fixed while no p(x_i) - q(x_i) changes sign.
        assertThat(TotalVariationLossTest.smallestGap(student, teacher)).isGreaterThan(0x1p-11);
        float[] dLogits = new float[rows * VOCAB];
        TvdPlusPlusLoss.Result result = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, tokens,
                null, rows, VOCAB, dLogits);
        assertThat(result.meanReward()).isStrictlyBetween(0.0, 1.0);
        LossChecks.assertMatchesFiniteDifferences(dLogits, student, x -> TvdPlusPlusLoss.TVD_PLUS_PLUS
                .lossAndGradient(x, teacher, tokens, null, rows, VOCAB, new float[rows * VOCAB]).surrogate());
        assertThat(result.tvd()).isEqualTo(TotalVariationLoss.value(student, teacher, null, rows, VOCAB));
    }

    @Test
    void tvdPlusPlus_advantages_areRewardsNormalisedOverTheBatch() {
        float[] student = LossChecks.logits(45, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(46, ROWS, VOCAB, 2.0);
        int[] tokens = {0, 1, 2};
        double[] rewards = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            rewards[r] = LossChecks.softmax(teacher, r, VOCAB)[tokens[r]]
                    > LossChecks.softmax(student, r, VOCAB)[tokens[r]] ? 1 : 0;
        }
        double mean = (rewards[0] + rewards[1] + rewards[2]) / 3;
        double sigma = Math.sqrt(((rewards[0] - mean) * (rewards[0] - mean) + (rewards[1] - mean)
                * (rewards[1] - mean) + (rewards[2] - mean) * (rewards[2] - mean)) / 3);
        double[] advantages = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            advantages[r] = (rewards[r] - mean) / (sigma + TvdPlusPlusLoss.EPSILON);
        }
        float[] expected = new float[ROWS * VOCAB];
        double expectedLoss = TvdPlusPlusLoss.policyGradient(student, tokens, advantages, null, ROWS, VOCAB,
                expected);
        float[] dLogits = new float[ROWS * VOCAB];
        TvdPlusPlusLoss.Result result = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, tokens,
                null, ROWS, VOCAB, dLogits);
        assertThat(result.surrogate()).isEqualTo(expectedLoss);
        assertThat(result.meanReward()).isEqualTo(mean);
        assertThat(dLogits).containsExactly(expected);
    }

    /**
     * x ~ q makes the raw policy-gradient estimator unbiased for the exact TVD gradient. Each component of one
     * draw lies in [-1/3, 1/3] (three rows), so over 40,000 draws the standard error is below 1.7e-3; the
     * tolerance 5e-3 is about three of them.
     */
    @Test
    void policyGradientEstimator_averagedOverDraws_matchesExactTvdGradient() {
        float[] student = LossChecks.logits(47, ROWS, VOCAB, 1.5);
        float[] teacher = LossChecks.logits(48, ROWS, VOCAB, 1.5);
        float[] exact = new float[ROWS * VOCAB];
        TotalVariationLoss.lossAndGradient(student, teacher, null, ROWS, VOCAB, exact);
        RandomGenerator random = random(49);
        int draws = 40_000;
        double[] mean = new double[ROWS * VOCAB];
        float[] dLogits = new float[ROWS * VOCAB];
        for (int d = 0; d < draws; d++) {
            int[] tokens = TvdPlusPlusLoss.sampleTokens(student, null, ROWS, VOCAB, random);
            TvdPlusPlusLoss.POLICY_GRADIENT.lossAndGradient(student, teacher, tokens, null, ROWS, VOCAB, dLogits);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += dLogits[i] / (double) draws;
            }
        }
        double norm = 0;
        for (int i = 0; i < mean.length; i++) {
            assertThat(mean[i]).as("mean dLogits[%d]", i).isCloseTo(exact[i], within(5e-3));
            norm += exact[i] * exact[i];
        }
        assertThat(Math.sqrt(norm)).as("the exact gradient is not trivially small").isGreaterThan(0.05);
    }

    /** SGD on free logits, 4 contexts × 64 draft samples a step, with TVD++ advantages over each batch. */
    @Test
    void tvdPlusPlus_gradientDescentOnFreeLogits_drivesExactTvdBelowFivePercent() {
        int contexts = 4;
        int samples = 64;
        int rows = contexts * samples;
        float[] teacher = LossChecks.logits(50, contexts, VOCAB, 2.0);
        float[] params = new float[contexts * VOCAB]; // the draft starts uniform
        double before = TotalVariationLoss.value(params, teacher, null, contexts, VOCAB);
        assertThat(before).isGreaterThan(0.3);

        float[] batchTeacher = repeat(teacher, contexts, samples);
        float[] dLogits = new float[rows * VOCAB];
        RandomGenerator random = random(51);
        for (int step = 0; step < 600; step++) {
            float[] batchStudent = repeat(params, contexts, samples);
            int[] tokens = TvdPlusPlusLoss.sampleTokens(batchStudent, null, rows, VOCAB, random);
            TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(batchStudent, batchTeacher, tokens, null, rows,
                    VOCAB, dLogits);
            double rate = 2.0 / Math.sqrt(1 + step / 20.0);
            for (int row = 0; row < rows; row++) {
                int c = row / samples;
                for (int v = 0; v < VOCAB; v++) {
                    // dLogits is of the mean over all rows: times contexts is the mean over one context's samples.
                    params[c * VOCAB + v] -= (float) (rate * contexts * dLogits[row * VOCAB + v]);
                }
            }
        }
        double after = TotalVariationLoss.value(params, teacher, null, contexts, VOCAB);
        assertThat(after).as("exact TVD after descent, from %s", before).isLessThan(0.05);
    }

    @Test
    void maskedRows_zeroGradientAndLeftOutOfTheNormalisation() {
        float[] student = LossChecks.logits(52, 4, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(53, 4, VOCAB, 2.0);
        boolean[] mask = {true, false, true, true};
        int[] tokens = TvdPlusPlusLoss.sampleTokens(student, mask, 4, VOCAB, random(54));
        assertThat(tokens[1]).isEqualTo(-1);
        float[] dLogits = new float[4 * VOCAB];
        TvdPlusPlusLoss.Result result = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, tokens,
                mask, 4, VOCAB, dLogits);

        int[] keep = {0, 2, 3};
        float[] keptStudent = new float[3 * VOCAB];
        float[] keptTeacher = new float[3 * VOCAB];
        int[] keptTokens = new int[3];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(student, keep[k] * VOCAB, keptStudent, k * VOCAB, VOCAB);
            System.arraycopy(teacher, keep[k] * VOCAB, keptTeacher, k * VOCAB, VOCAB);
            keptTokens[k] = tokens[keep[k]];
        }
        float[] keptGradient = new float[3 * VOCAB];
        TvdPlusPlusLoss.Result kept = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(keptStudent, keptTeacher,
                keptTokens, null, 3, VOCAB, keptGradient);

        assertThat(result).isEqualTo(kept);
        for (int v = 0; v < VOCAB; v++) {
            assertThat(dLogits[VOCAB + v]).isZero();
            for (int k = 0; k < 3; k++) {
                assertThat(dLogits[keep[k] * VOCAB + v]).isEqualTo(keptGradient[k * VOCAB + v]);
            }
        }
    }

    @Test
    void equalRewards_zeroAdvantagesAndZeroGradient() {
        float[] logits = LossChecks.logits(55, ROWS, VOCAB, 2.0);
        float[] dLogits = new float[ROWS * VOCAB];
        // Draft == target: no token has p(x) > q(x), every reward is 0, so every advantage is 0.
        TvdPlusPlusLoss.Result result = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(logits, logits.clone(),
                new int[] {1, 2, 3}, null, ROWS, VOCAB, dLogits);
        assertThat(result.surrogate()).isZero();
        assertThat(result.tvd()).isZero();
        assertThat(result.meanReward()).isZero();
        for (float g : dLogits) {
            assertThat(g == 0f).as("gradient is +0 or -0").isTrue();
        }
    }

    @Test
    void badArguments_throwNamingTheParameter() {
        float[] logits = new float[ROWS * VOCAB];
        float[] dLogits = new float[ROWS * VOCAB];
        TvdPlusPlusLoss loss = TvdPlusPlusLoss.TVD_PLUS_PLUS;
        assertThatThrownBy(() -> loss.lossAndGradient(logits, logits, new int[] {0, 7, 0}, null, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens[1]: 7 (expected: in [0, 7))");
        assertThatThrownBy(() -> loss.lossAndGradient(logits, logits, new int[] {0, 0}, null, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens.length: 2 (expected: rows = 3)");
        assertThatThrownBy(() -> loss.lossAndGradient(logits, new float[1], new int[3], null, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("teacherLogits.length");
        assertThatThrownBy(() -> TvdPlusPlusLoss.policyGradient(logits, new int[3], new double[1], null, ROWS,
                VOCAB, dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advantages.length: 1 (expected: rows = 3)");
        assertThatThrownBy(() -> TvdPlusPlusLoss.sampleTokens(logits, null, ROWS, VOCAB, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("random: null");
        assertThatThrownBy(() -> TvdPlusPlusLoss.sampleTokens(logits, null, ROWS, 0, random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vocab: 0 (expected: > 0)");
    }

    @Test
    void sampleTokens_frequencies_matchDraftProbabilities() {
        float[] student = LossChecks.logits(56, 1, VOCAB, 1.0);
        double[] q = LossChecks.softmax(student, 0, VOCAB);
        RandomGenerator random = random(57);
        int draws = 100_000;
        int[] counts = new int[VOCAB];
        for (int d = 0; d < draws; d++) {
            counts[TvdPlusPlusLoss.sampleTokens(student, null, 1, VOCAB, random)[0]]++;
        }
        // Binomial standard error at most 0.5 / sqrt(100,000) = 1.6e-3; tolerance 6e-3.
        for (int v = 0; v < VOCAB; v++) {
            assertThat(counts[v] / (double) draws).as("frequency of %d", v).isCloseTo(q[v], within(6e-3));
        }
    }

    /** Each of {@code contexts} rows repeated {@code samples} times, consecutively. */
    private static float[] repeat(float[] logits, int contexts, int samples) {
        float[] out = new float[contexts * samples * VOCAB];
        for (int row = 0; row < contexts * samples; row++) {
            System.arraycopy(logits, (row / samples) * VOCAB, out, row * VOCAB, VOCAB);
        }
        return out;
    }
}
