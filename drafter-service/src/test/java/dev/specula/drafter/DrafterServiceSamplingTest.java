package dev.specula.drafter;

import dev.specula.engine.sample.SeededDraw;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.SparseDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.specula.drafter.DrafterHarness.openFor;
import static dev.specula.drafter.DrafterServiceGreedyTest.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sampled drafting (q, reproducibility) and early stopping on the drafter's own confidence. */
class DrafterServiceSamplingTest {

    private static final int VOCAB = TestModels.CONFIG.vocabSize();
    private static final int[] PROMPT = {1, 40, 41, 42};

    @TempDir
    static Path dir;
    private static Path model;
    private static DrafterHarness drafter;
    private static TestModels.Reference reference;

    @BeforeAll
    static void start() throws Exception {
        model = TestModels.write(dir, 12);
        drafter = new DrafterHarness(config(0));
        reference = new TestModels.Reference(model, null);
    }

    @AfterAll
    static void stop() {
        drafter.close();
        reference.close();
    }

    @AfterEach
    void sessionsEnd() throws InterruptedException {
        drafter.endAllSessions();
    }

    private static DrafterConfig config(double minConfidence) {
        return DrafterConfig.builder().backend("naive").minConfidence(minConfidence)
                .model(DrafterConfig.ModelSpec.of("tiny", model)).build();
    }

    private static OpenDraft sampled(long seed, boolean draftAhead) {
        return openFor(PROMPT, 4, draftAhead).setSampling(Sampling.newBuilder().setTemperature(0.9f).setTopK(60)
                .setTopP(0.95f).setSeed(seed)).build();
    }

    private static List<DraftBlock> play(OpenDraft open, int steps) throws InterruptedException {
        ProposeStream s = drafter.open(open);
        s.ready();
        ScriptedVerifier verifier = new ScriptedVerifier(s, PROMPT).run(steps, 4, ScriptedVerifier.alternating(VOCAB));
        s.halfClose();
        s.awaitCompleted();
        return verifier.verifiedWithoutTimings();
    }

    @Test
    void propose_sampled_everyTokenComesWithTheDistributionItWasSampledFrom() throws Exception {
        for (DraftBlock block : play(sampled(7, true), 10)) {
            assertThat(block.getQCount()).isEqualTo(block.getTokensCount());
            for (int i = 0; i < block.getTokensCount(); i++) {
                SparseDistribution q = block.getQ(i);
                assertThat(q.getTokenIdsCount()).isEqualTo(q.getProbsCount()).isBetween(1, 60);
                assertThat(q.getTokenIdsList()).isSorted().doesNotHaveDuplicates();
                assertThat(q.getProbsList()).allSatisfy(p -> assertThat(p).isPositive());
                double sum = q.getProbsList().stream().mapToDouble(Float::doubleValue).sum();
                assertThat(sum).isCloseTo(1.0, within(1e-3));
                int at = q.getTokenIdsList().indexOf(block.getTokens(i));
                assertThat(at).as("the drafted token is in its q's support").isNotNegative();
                assertThat(q.getProbs(at)).isPositive();
            }
        }
    }

    @Test
    void propose_sampled_sameSeedGivesTheSameBlocksAndAnotherSeedOthers() throws Exception {
        for (boolean draftAhead : new boolean[] {true, false}) {
            List<DraftBlock> first = play(sampled(99, draftAhead), 10);
            List<DraftBlock> second = play(sampled(99, draftAhead), 10);
            List<DraftBlock> other = play(sampled(100, draftAhead), 10);
            assertThat(second).as("draft ahead %s", draftAhead).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
        }
    }

    @Test
    void propose_sampled_blocksAreNotTheGreedyContinuation() throws Exception {
        // Guards against a drafter that ignores the sampling options: at temperature 0.9 over 60 tokens some
        // of 40 draws differ from the argmax.
        ProposeStream s = drafter.open(sampled(3, false));
        s.ready();
        int differing = 0;
        int[] committed = PROMPT;
        for (int step = 0; step < 10; step++) {
            DraftBlock b = s.block();
            int[] greedy = reference.greedy(committed, b.getTokensCount());
            int[] drafted = tokens(b);
            for (int i = 0; i < drafted.length; i++) {
                differing += drafted[i] != greedy[i] ? 1 : 0;
            }
            committed = DrafterServiceGreedyTest.concat(committed, drafted);
            int next = 5 + step;
            committed = DrafterServiceGreedyTest.concat(committed, next);
            s.verdict(committed.length, step + 1, drafted.length, next, 4);
        }
        assertThat(differing).isPositive();
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_minConfidenceAboveTheModelsConfidence_everyBlockStopsAfterOneToken() throws Exception {
        try (DrafterHarness cautious = new DrafterHarness(config(0.99))) {
            ProposeStream s = cautious.open(openFor(PROMPT, 6, true).build());
            s.ready();
            ScriptedVerifier verifier = new ScriptedVerifier(s, PROMPT).run(6, 6, ScriptedVerifier.acceptAll());
            for (DraftBlock block : verifier.verified()) {
                assertThat(block.getTokensCount()).isEqualTo(1);
                assertThat(block.hasPredictedNextToken()).isTrue();
            }
            assertThat(verifier.committed()).containsExactly(reference.extendGreedy(PROMPT, 12));
            s.halfClose();
            s.awaitCompleted();
        }
    }

    @Test
    void topProbability_isTheLargestSoftmaxProbability() {
        assertThat(BlockDrafter.topProbability(new float[] {0, 0, 0, 0})).isCloseTo(0.25, within(1e-9));
        assertThat(BlockDrafter.topProbability(new float[] {(float) Math.log(3), 0})).isCloseTo(0.75, within(1e-6));
    }

    @Test
    void propose_sampled_eachTokenIsTheSeededDrawAtItsPosition() throws Exception {
        // The verifier draws the target's token at a position with the same noise: drafts agree with it
        // whenever the models agree, whatever the epoch or draft-ahead.
        for (boolean draftAhead : new boolean[] {true, false}) {
            for (DraftBlock block : play(sampled(11, draftAhead), 10)) {
                for (int i = 0; i < block.getTokensCount(); i++) {
                    SparseDistribution wire = block.getQ(i);
                    float[] probs = new float[wire.getProbsCount()];
                    for (int j = 0; j < probs.length; j++) {
                        probs[j] = wire.getProbs(j);
                    }
                    var q = new dev.specula.engine.sample.SparseDistribution(
                            wire.getTokenIdsList().stream().mapToInt(Integer::intValue).toArray(), probs);
                    assertThat(block.getTokens(i)).as("draft ahead %s, position %d", draftAhead,
                            block.getBasePosition() + i).isEqualTo(SeededDraw.token(q, 11, block.getBasePosition() + i));
                }
            }
        }
    }
}
