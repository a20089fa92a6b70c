package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private final Sampler sampler = new Sampler();

    /** Logits whose softmax at temperature 1 is {@code probs}. */
    private static float[] logitsOf(double... probs) {
        float[] logits = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            logits[i] = probs[i] == 0 ? Float.NEGATIVE_INFINITY : (float) Math.log(probs[i]);
        }
        return logits;
    }

    private static SamplingParams params(double temperature, int topK, double topP, double minP) {
        return new SamplingParams(temperature, topK, topP, minP, 0);
    }

    @Test
    void distribution_temperatureZero_isPointMassOnArgmax_tiesToLowestId() {
        float[] logits = {1f, 3f, -2f, 3f, 0.5f};
        assertThat(Sampler.argmax(logits)).isEqualTo(1);
        assertThat(sampler.distribution(logits, SamplingParams.greedy())).isEqualTo(SparseDistribution.pointMass(1));
        assertThat(sampler.sample(logits, SamplingParams.greedy(), new SplittableRandom(1))).isEqualTo(1);
        assertThat(sampler.sample(logits, SamplingParams.greedy(), 3)).isEqualTo(1);
    }

    @Test
    void distribution_noFilters_isSoftmaxOfLogitsOverTemperature() {
        float[] logits = {2f, 1f, 0f, -1f, Float.NEGATIVE_INFINITY};
        var d = sampler.distribution(logits, params(2, 0, 1, 0));
        double z = Math.exp(1) + Math.exp(0.5) + 1 + Math.exp(-0.5);
        assertThat(d.tokens()).containsExactly(0, 1, 2, 3); // -Infinity has probability 0, so it is left out
        assertThat((double) d.prob(0)).isCloseTo(Math.exp(1) / z, within(1e-6));
        assertThat((double) d.prob(3)).isCloseTo(Math.exp(-0.5) / z, within(1e-6));
    }

    @Test
    void distribution_hugeLogits_stableSoftmax() {
        var d = sampler.distribution(new float[] {1e30f, 1e30f, -1e30f}, params(1, 0, 1, 0));
        assertThat(d.tokens()).containsExactly(0, 1);
        assertThat(d.prob(0)).isEqualTo(0.5f);
    }

    @Test
    void distribution_topK_keepsExactlyTheKMostLikely_renormalized() {
        float[] logits = logitsOf(0.1, 0.3, 0.05, 0.25, 0.2, 0.1);
        var d = sampler.distribution(logits, params(1, 3, 1, 0));
        assertThat(d.tokens()).containsExactly(1, 3, 4);
        assertThat((double) d.prob(1)).isCloseTo(0.3 / 0.75, within(1e-6));
        assertThat((double) d.prob(4)).isCloseTo(0.2 / 0.75, within(1e-6));
    }

    @Test
    void distribution_topKTieAtCutoff_keepsLowestIds() {
        float[] logits = {1f, 2f, 1f, 1f, 0f};
        assertThat(sampler.distribution(logits, params(1, 2, 1, 0)).tokens()).containsExactly(0, 1);
        assertThat(sampler.distribution(logits, params(1, 3, 1, 0)).tokens()).containsExactly(0, 1, 2);
    }

    @Test
    void distribution_topKOnLargeVocabularyWithTies_matchesFullSortReference() {
        var rng = new SplittableRandom(3);
        float[] logits = new float[150_000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = rng.nextInt(-2000, 2000) / 100f; // coarse values: many ties at the cut-off
        }
        int k = 50;
        int[] expected = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).sorted().toArray();
        var d = sampler.distribution(logits, params(0.8, k, 1, 0));
        assertThat(d.tokens()).containsExactly(expected);
    }

    @Test
    void distribution_topP_keepsTheMinimalNucleus() {
        float[] logits = logitsOf(0.1, 0.4, 0.2, 0.3);
        assertThat(sampler.distribution(logits, params(1, 0, 0.4, 0)).tokens()).containsExactly(1);
        assertThat(sampler.distribution(logits, params(1, 0, 0.41, 0)).tokens()).containsExactly(1, 3);
        assertThat(sampler.distribution(logits, params(1, 0, 0.7, 0)).tokens()).containsExactly(1, 3);
        assertThat(sampler.distribution(logits, params(1, 0, 0.71, 0)).tokens()).containsExactly(1, 2, 3);
        assertThat(sampler.distribution(logits, params(1, 0, 0.05, 0)).tokens()).containsExactly(1);
        var d = sampler.distribution(logits, params(1, 0, 0.7, 0));
        assertThat((double) d.prob(1)).isCloseTo(0.4 / 0.7, within(1e-6));
    }

    @Test
    void distribution_topPOnLargeVocabulary_isShortestPrefixByLogitReachingTopP() {
        var rng = new SplittableRandom(8);
        float[] logits = new float[32_000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (3 * rng.nextGaussian());
        }
        double temperature = 0.7;
        double topP = 0.9;
        var d = sampler.distribution(logits, params(temperature, 0, topP, 0));

        // Reference in double: the nucleus is every token at or above some logit cut-off.
        Integer[] order = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i])).toArray(Integer[]::new);
        double max = logits[order[0]];
        double z = 0;
        for (float l : logits) {
            z += Math.exp((l - max) / temperature);
        }
        double cumulative = 0;
        int size = 0;
        while (cumulative < topP - Sampler.TOP_P_SLACK) {
            cumulative += Math.exp((logits[order[size++]] - max) / temperature) / z;
        }
        int[] expected = Arrays.stream(order, 0, size).mapToInt(Integer::intValue).sorted().toArray();
        assertThat(d.tokens()).containsExactly(expected);
        assertThat(size).isBetween(2, logits.length - 1);
    }

    @Test
    void distribution_topPAfterTopK_nucleusOfTheRenormalizedTopK() {
        // Top-2 leaves {0.4, 0.3} -> {4/7, 3/7}; top-p 0.5 then needs only the first.
        float[] logits = logitsOf(0.1, 0.4, 0.2, 0.3);
        assertThat(sampler.distribution(logits, params(1, 2, 0.5, 0)).tokens()).containsExactly(1);
        assertThat(sampler.distribution(logits, params(1, 2, 0.6, 0)).tokens()).containsExactly(1, 3);
    }

    @Test
    void distribution_minP_dropsTokensBelowFractionOfMax() {
        float[] logits = logitsOf(0.5, 0.25, 0.15, 0.1);
        // Threshold 0.25 * 0.5 = 0.125: drops only the 0.1 token.
        var d = sampler.distribution(logits, params(1, 0, 1, 0.25));
        assertThat(d.tokens()).containsExactly(0, 1, 2);
        assertThat((double) d.prob(2)).isCloseTo(0.15 / 0.9, within(1e-6));
        // Threshold 0.6 * 0.5 = 0.3: only the top token survives.
        assertThat(sampler.distribution(logits, params(1, 0, 1, 0.6)).tokens()).containsExactly(0);
    }

    @Test
    void sample_sameSeed_sameSamples_differentSeed_differentSamples() {
        float[] logits = new float[1000];
        var fill = new SplittableRandom(5);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) fill.nextDouble(-3, 3);
        }
        var params = new SamplingParams(1.2, 200, 0.95, 0.01, 1234);
        int[] first = drawMany(logits, params, 100);
        int[] again = drawMany(logits, params, 100);
        int[] other = drawMany(logits, new SamplingParams(1.2, 200, 0.95, 0.01, 1235), 100);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    /** The draws at positions 0..n-1, as a request makes them. */
    private int[] drawMany(float[] logits, SamplingParams params, int n) {
        return IntStream.range(0, n).map(position -> sampler.sample(logits, params, position)).toArray();
    }

    @Test
    void sample_frequencies_matchDistribution_chiSquare() {
        var fill = new SplittableRandom(11);
        float[] logits = new float[20];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) fill.nextDouble(-2, 2);
        }
        var params = new SamplingParams(0.8, 12, 0.9, 0.05, 99);
        var d = sampler.distribution(logits, params);
        assertThat(d.size()).isBetween(2, 11); // every filter did something, so the test is not trivial

        long[] counts = new long[logits.length];
        int n = 40_000;
        for (int position = 0; position < n; position++) {
            counts[sampler.sample(logits, params, position)]++;
        }
        double[] probs = new double[logits.length];
        Arrays.setAll(probs, d::prob);
        // Significance 1e-3, fixed seed; tokens outside the support must never appear (else p = 0).
        ChiSquare.Statistic statistic = ChiSquare.pearson(counts, probs);
        assertThat(statistic.pValue()).as("%s", statistic).isGreaterThan(1e-3);
    }

    @Test
    void distribution_invalidLogits_rejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Sampler.argmax(new float[] {0f, Float.NaN}))
                .withMessage("logits[1]: NaN (expected: finite or -Infinity)");
        assertThatIllegalArgumentException().isThrownBy(() -> Sampler.argmax(new float[0]))
                .withMessage("logits: 0 entries, none finite (expected: at least one finite logit)");
        assertThatIllegalArgumentException().isThrownBy(() -> sampler.distribution(
                new float[] {Float.NEGATIVE_INFINITY}, params(1, 0, 1, 0)));
    }
}
