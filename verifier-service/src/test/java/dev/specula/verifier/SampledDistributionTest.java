package dev.specula.verifier;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.sample.ChiSquare;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.verifier.testing.Proposer;
import dev.specula.verifier.testing.ScriptedDrafter;
import dev.specula.verifier.testing.SessionResult;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampled sessions through a drafter keep the target's distribution: the first generated token of many
 * sessions (different seeds) is chi-square tested against the target's filtered softmax. Tolerance: the test
 * fails when p < 1e-3 (fixed seeds, so it is deterministic). Negative control: the same counts against the
 * uniform distribution over the same top-k tokens (what ignoring the logits would give) must be rejected, which
 * shows the test has the power to notice a wrong distribution.
 */
class SampledDistributionTest {

    static final int SESSIONS = 600;
    static final float TEMPERATURE = 0.5f;
    static final int TOP_K = 8;
    static final double ALPHA = 1e-3;

    @TempDir
    static Path dir;
    static TestTargets.Reference reference;
    static VerifierHarness harness;
    static String prompt;
    static SparseDistribution target;

    @BeforeAll
    static void start() {
        Path model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").build());
        // A prompt whose next-token distribution neither ends the text nor is nearly a point mass.
        for (String candidate : new String[] {"Hello", "ab", "The quick brown fox", "zzz", "0123", "Once upon"}) {
            SparseDistribution p = distribution(candidate, TEMPERATURE);
            float max = 0;
            for (int i = 0; i < p.size(); i++) {
                max = Math.max(max, p.probAt(i));
            }
            if (p.prob(1) == 0 && p.prob(2) == 0 && max < 0.8) {
                prompt = candidate;
                target = p;
                break;
            }
        }
        assertThat(prompt).as("a prompt with a spread-out next-token distribution").isNotNull();
    }

    @AfterAll
    static void stop() {
        harness.close();
        reference.close();
    }

    static SparseDistribution distribution(String text, double temperature) {
        int[] tokens = reference.promptTokens(text);
        try (InferenceSession s = reference.model().newSession()) {
            float[] logits = s.forwardLast(tokens);
            return new Sampler().distribution(logits, new SamplingParams(temperature, TOP_K, 1, 0, 0));
        }
    }

    private long[] firstTokenCounts(String drafter) {
        long[] counts = new long[TestTargets.TINY.vocabSize()];
        int drafted = 0;
        for (int seed = 0; seed < SESSIONS; seed++) {
            OpenSessionRequest request = OpenSessionRequest.newBuilder().setSessionId("chi-" + seed).setPrompt(prompt)
                    .setMaxTokens(2)
                    .setSampling(Sampling.newBuilder().setTemperature(TEMPERATURE).setTopK(TOP_K).setSeed(seed))
                    .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                            .setDraftLength(1))
                    .setDrafter(DrafterEndpoint.newBuilder().setTarget(drafter)).build();
            SessionResult r = harness.run(request);
            assertThat(r.tokens()).isNotEmpty();
            assertThat(r.summary().getDrafterFallback()).isEmpty();
            counts[r.tokens()[0]]++;
            drafted += r.summary().getDraftedTokens();
        }
        assertThat(drafted).as("every first token went through verification").isGreaterThanOrEqualTo(SESSIONS);
        return counts;
    }

    private static double[] dense(SparseDistribution d) {
        double[] p = new double[TestTargets.TINY.vocabSize()];
        for (int i = 0; i < d.size(); i++) {
            p[d.tokenAt(i)] = d.probAt(i);
        }
        return p;
    }

    @Test
    void oracleDrafter_sampled_firstTokenHasTargetDistribution() {
        long[] counts = firstTokenCounts(harness.addDrafter(new ScriptedDrafter(Proposer.oracle(reference.model()))));
        ChiSquare.Statistic chi = ChiSquare.pearson(counts, dense(target));
        assertThat(chi.pValue()).as(chi.toString()).isGreaterThan(ALPHA);
    }

    @Test
    void uniformDrafter_sampledWithRejections_firstTokenHasTargetDistribution() {
        long[] counts = firstTokenCounts(harness.addDrafter(new ScriptedDrafter(
                Proposer.uniform(TestTargets.TINY.vocabSize()))));
        ChiSquare.Statistic chi = ChiSquare.pearson(counts, dense(target));
        assertThat(chi.pValue()).as(chi.toString()).isGreaterThan(ALPHA);
        // Negative control: the same counts do not fit the uniform distribution over the same tokens.
        double[] flat = dense(target);
        for (int i = 0; i < flat.length; i++) {
            flat[i] = flat[i] > 0 ? 1.0 / target.size() : 0;
        }
        ChiSquare.Statistic wrong = ChiSquare.pearson(counts, flat);
        assertThat(wrong.pValue()).as(wrong.toString()).isLessThan(ALPHA);
    }
}
