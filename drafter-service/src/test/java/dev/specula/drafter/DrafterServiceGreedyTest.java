package dev.specula.drafter;

import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.DraftReady;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static dev.specula.drafter.DrafterHarness.openFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Greedy drafting over the in-process transport: blocks, draft-ahead, verdicts, length limits. */
class DrafterServiceGreedyTest {

    private static final int VOCAB = TestModels.CONFIG.vocabSize();
    private static final int[] PROMPT = {1, 72, 101, 108, 108};

    @TempDir
    static Path dir;
    private static DrafterHarness drafter;
    private static TestModels.Reference reference;

    @BeforeAll
    static void start() throws Exception {
        Path model = TestModels.write(dir, 11);
        drafter = new DrafterHarness(DrafterConfig.builder().backend("naive").maxSessions(16)
                .model(DrafterConfig.ModelSpec.of("tiny", model)).build());
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

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 40})
    void propose_withoutDraftAhead_eachBlockIsTheGreedyContinuationAndOneBlockComesPerVerdict(int promptLength)
            throws Exception {
        int[] committed = IntStream.range(0, promptLength).map(i -> i == 0 ? 1 : 3 + (i * 37) % 250).toArray();
        ProposeStream s = drafter.open(openFor(committed, 4, false).build());
        DraftReady ready = s.ready();
        assertThat(ready.getDrafterId()).isEqualTo("tiny");
        assertThat(ready.getContextLength()).isEqualTo(TestModels.CONFIG.contextLength());

        int epoch = 0;
        for (int step = 0; step < 6; step++) {
            DraftBlock b = s.block();
            assertThat(b.getBasePosition()).isEqualTo(committed.length);
            assertThat(b.getEpoch()).isEqualTo(epoch);
            assertThat(tokens(b)).as("block %d", step).containsExactly(reference.greedy(committed, 4));
            assertThat(b.hasPredictedNextToken()).isFalse();
            assertThat(b.getQCount()).isZero();
            assertThat(b.getDraftMs()).isPositive();
            assertThat(s.quietFor(100)).as("no second block before the verdict").isTrue();

            // Even steps: the target agrees with the whole block; odd steps: it rejects the second token.
            int accepted = step % 2 == 0 ? 4 : 1;
            int[] kept = Arrays.copyOf(tokens(b), accepted);
            int next = step % 2 == 0 ? reference.greedy(concat(committed, kept), 1)[0] : (b.getTokens(1) + 1) % VOCAB;
            committed = concat(concat(committed, kept), next);
            epoch++; // no predicted token: every verdict moves to a new epoch
            s.verdict(committed.length, epoch, accepted, next, 4);
        }
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_draftAhead_sendsTheNextBlockBeforeTheVerdictAndKeepsItWhenThePredictionHolds() throws Exception {
        int n = PROMPT.length;
        int[] greedy = reference.extendGreedy(PROMPT, 40);
        ProposeStream s = drafter.open(openFor(PROMPT, 3, true).build());
        s.ready();

        DraftBlock b0 = s.block();
        assertThat(b0.getBasePosition()).isEqualTo(n);
        assertThat(tokens(b0)).containsExactly(slice(greedy, n, 3));
        assertThat(b0.getPredictedNextToken()).isEqualTo(greedy[n + 3]);

        // Drafted ahead on the assumption that b0 and its predicted token are committed, sent without waiting.
        DraftBlock b1 = s.block();
        assertThat(b1.getEpoch()).isZero();
        assertThat(b1.getBasePosition()).isEqualTo(n + 3 + 1);
        assertThat(tokens(b1)).containsExactly(slice(greedy, n + 4, 3));
        assertThat(b1.getPredictedNextToken()).isEqualTo(greedy[n + 7]);
        assertThat(s.quietFor(150)).as("at most one block ahead of the one under verification").isTrue();

        // The prediction held: b1 is now under verification and the drafter drafts ahead of it, with the new k.
        s.verdict(n + 4, 0, 3, greedy[n + 3], 5);
        DraftBlock b2 = s.block();
        assertThat(b2.getEpoch()).isZero();
        assertThat(b2.getBasePosition()).isEqualTo(b1.getBasePosition() + 3 + 1);
        assertThat(tokens(b2)).containsExactly(slice(greedy, n + 8, 5));
        assertThat(b2.getPredictedNextToken()).isEqualTo(greedy[n + 13]);
        assertThat(s.quietFor(150)).isTrue();
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_draftAhead_rejectingVerdictDropsTheBlockAheadAndDraftsFromTheCommittedSequence() throws Exception {
        int n = PROMPT.length;
        int[] greedy = reference.extendGreedy(PROMPT, 10);
        ProposeStream s = drafter.open(openFor(PROMPT, 3, true).build());
        s.ready();
        DraftBlock b0 = s.block();
        DraftBlock b1 = s.block();
        assertThat(b1.getBasePosition()).isEqualTo(n + 4);

        // The target accepts one token, then commits another token than the draft's second.
        int recovered = (greedy[n + 1] + 1) % VOCAB;
        int[] committed = concat(slice(greedy, 0, n + 1), recovered);
        s.verdict(n + 2, 1, 1, recovered, 3);

        DraftBlock c = s.block();
        assertThat(c.getEpoch()).isEqualTo(1);
        assertThat(c.getBasePosition()).isEqualTo(n + 2);
        int[] expected = reference.greedy(committed, 4);
        assertThat(tokens(c)).containsExactly(Arrays.copyOf(expected, 3));
        assertThat(c.getPredictedNextToken()).isEqualTo(expected[3]);
        DraftBlock d = s.block();
        assertThat(d.getEpoch()).isEqualTo(1);
        assertThat(d.getBasePosition()).isEqualTo(n + 2 + 3 + 1);
        assertThat(tokens(d)).containsExactly(reference.greedy(concat(committed, expected), 3));
        assertThat(drafter.service().metrics().blocksDiscarded()).isPositive();
        assertThat(b0.getEpoch()).isZero();
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_rejectionArrivingWhileDraftingAhead_nextValidBlockContinuesTheCommittedSequence() throws Exception {
        // Whether the block ahead is abandoned mid-draft, finished and dropped, or already sent depends on
        // timing; in every case the first block of the new epoch must continue what was committed.
        int n = PROMPT.length;
        for (int round = 0; round < 10; round++) {
            ProposeStream s = drafter.open(openFor(PROMPT, 16, true).build());
            s.ready();
            DraftBlock b0 = s.block();
            int recovered = (b0.getTokens(0) + 1 + round) % VOCAB;
            s.verdict(n + 1, 1, 0, recovered, 2);
            DraftBlock next = s.block();
            while (next.getEpoch() == 0) {
                assertThat(next.getBasePosition()).isEqualTo(n + 16 + 1);
                next = s.block();
            }
            assertThat(next.getEpoch()).isEqualTo(1);
            assertThat(next.getBasePosition()).isEqualTo(n + 1);
            assertThat(tokens(next)).containsExactly(reference.greedy(concat(PROMPT, recovered), 2));
            s.halfClose();
            s.awaitCompleted();
        }
    }

    @Test
    void propose_acceptingEveryPrediction_verifiedBlocksSpellTheGreedyContinuation() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).build());
        s.ready();
        ScriptedVerifier verifier = new ScriptedVerifier(s, PROMPT).run(8, 4, ScriptedVerifier.acceptAll());
        int[] committed = verifier.committed();
        assertThat(committed).hasSize(PROMPT.length + 8 * 5);
        assertThat(committed).containsExactly(reference.extendGreedy(PROMPT, 8 * 5));
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_maxSequenceLength_blocksNeverDraftPastIt() throws Exception {
        int n = PROMPT.length; // 5, limit 8: room for three tokens
        int[] greedy = reference.extendGreedy(PROMPT, 3);
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setMaxSequenceLength(8).build());
        s.ready();
        DraftBlock b0 = s.block();
        assertThat(tokens(b0)).containsExactly(slice(greedy, n, 3));
        assertThat(b0.hasPredictedNextToken()).as("no room for a token after the block").isFalse();
        assertThat(s.quietFor(150)).as("nothing to draft ahead").isTrue();

        int recovered = (b0.getTokens(1) + 1) % VOCAB;
        int[] committed = concat(slice(greedy, 0, n + 1), recovered);
        s.verdict(n + 2, 1, 1, recovered, 4);
        DraftBlock b1 = s.block();
        assertThat(b1.getBasePosition()).isEqualTo(7);
        assertThat(tokens(b1)).containsExactly(reference.greedy(committed, 1));
        assertThat(b1.hasPredictedNextToken()).isFalse();

        s.verdict(8, 2, 0, 9, 4);
        assertThat(s.quietFor(200)).as("the sequence is full: no empty block is sent").isTrue();
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_promptFillingMaxSequenceLength_sendsReadyAndNoBlock() throws Exception {
        ProposeStream s = drafter.open(openFor(PROMPT, 4, true).setMaxSequenceLength(PROMPT.length).build());
        s.ready();
        assertThat(s.quietFor(200)).isTrue();
        s.halfClose();
        s.awaitCompleted();
    }

    @Test
    void propose_counters_countBlocksAndTokensSent() throws Exception {
        long blocks = drafter.service().blocksSent();
        long tokens = drafter.service().tokensDrafted();
        ProposeStream s = drafter.open(openFor(PROMPT, 2, false).build());
        try {
            s.ready();
            DraftBlock b = s.block();
            assertThat(drafter.service().openSessions()).isEqualTo(1);
            assertThat(drafter.service().blocksSent()).isEqualTo(blocks + 1);
            assertThat(drafter.service().tokensDrafted()).isEqualTo(tokens + b.getTokensCount());
        } finally {
            s.cancel();
        }
    }

    static int[] tokens(DraftBlock block) {
        return block.getTokensList().stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] slice(int[] values, int from, int count) {
        return Arrays.copyOfRange(values, from, from + count);
    }

    static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
