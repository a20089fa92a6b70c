package dev.specula.verifier;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.OpenSessionRequest;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Greedy output through a session equals the target's own, whatever the drafter does. */
class GreedyEqualityTest {

    static final List<String> PROMPTS = List.of("Hello", "ab", "日本語のテキスト", "The quick brown fox");
    static final int MAX_TOKENS = 40;

    @TempDir
    static Path dir;
    static TestTargets.Reference reference;
    static VerifierHarness harness;

    @BeforeAll
    static void start() {
        Path model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").id("v-test").build());
    }

    @AfterAll
    static void stop() {
        harness.close();
        reference.close();
    }

    static OpenSessionRequest request(String prompt, String drafterTarget, SpeculationMode mode, int length) {
        OpenSessionRequest.Builder b = OpenSessionRequest.newBuilder().setSessionId("s-" + prompt.hashCode())
                .setPrompt(prompt).setMaxTokens(MAX_TOKENS)
                .setSpeculation(Speculation.newBuilder().setMode(mode).setDraftLength(length));
        if (drafterTarget != null) {
            b.setDrafter(DrafterEndpoint.newBuilder().setDrafterId("scripted").setTarget(drafterTarget));
        }
        return b.build();
    }

    private void assertSameAsTarget(String drafterTarget, SpeculationMode mode, int length) {
        int total = 0;
        for (String prompt : PROMPTS) {
            GenerationResult expected = reference.generate(prompt, MAX_TOKENS, SamplingParams.greedy());
            total += expected.tokens().length;
            SessionResult got = harness.run(request(prompt, drafterTarget, mode, length));
            assertThat(got.tokens()).as(prompt).containsExactly(expected.tokens());
            assertThat(got.text()).as(prompt).isEqualTo(expected.text());
            assertThat(got.summary().getCompletionTokens()).isEqualTo(expected.tokens().length);
            assertThat(got.summary().getFinishReason()).isEqualTo(
                    expected.stop() == GenerationResult.StopReason.END_OF_SEQUENCE ? FinishReason.FINISH_REASON_EOS
                            : FinishReason.FINISH_REASON_MAX_TOKENS);
            assertThat(got.summary().getPromptTokens()).isEqualTo(reference.promptTokens(prompt).length);
            assertThat(got.summary().getVerifierId()).isEqualTo("v-test");
        }
        // The comparison means something only if the target says more than a token or two.
        assertThat(total).isGreaterThan(2 * MAX_TOKENS);
    }

    @Test
    void plainSession_greedy_matchesTargetAlone() {
        assertSameAsTarget(null, SpeculationMode.SPECULATION_MODE_AUTO, 4);
    }

    @Test
    void oracleDrafter_greedyFixed_matchesTargetAndAcceptsEverything() {
        ScriptedDrafter oracle = new ScriptedDrafter(Proposer.oracle(reference.model()));
        String target = harness.addDrafter(oracle);
        assertSameAsTarget(target, SpeculationMode.SPECULATION_MODE_FIXED, 4);
        SessionResult r = harness.run(request("Hello", target, SpeculationMode.SPECULATION_MODE_FIXED, 4));
        assertThat(r.summary().getDrafterFallback()).isEmpty();
        assertThat(r.summary().getDrafterId()).isEqualTo("scripted");
        assertThat(r.summary().getDraftedTokens()).isPositive();
        assertThat(r.summary().getAcceptanceRate()).isEqualTo(1.0);
        assertThat(r.summary().getDraftLengthsList()).contains(4);
    }

    @Test
    void wrongDrafter_greedy_matchesTargetWithLowAcceptance() {
        String target = harness.addDrafter(new ScriptedDrafter(Proposer.uniform(TestTargets.TINY.vocabSize())));
        assertSameAsTarget(target, SpeculationMode.SPECULATION_MODE_FIXED, 3);
    }

    @Test
    void corruptedOracle_partialAcceptance_matchesTarget() {
        String target = harness.addDrafter(new ScriptedDrafter(
                Proposer.corrupted(Proposer.oracle(reference.model()), TestTargets.TINY.vocabSize())));
        assertSameAsTarget(target, SpeculationMode.SPECULATION_MODE_FIXED, 5);
        SessionResult r = harness.run(request("Hello", target, SpeculationMode.SPECULATION_MODE_FIXED, 5));
        assertThat(r.summary().getAcceptedTokens()).isPositive();
        assertThat(r.summary().getAcceptanceRate()).isLessThan(1.0);
    }

    @Test
    void staleBlocks_droppedAndNothingDuplicated() {
        ScriptedDrafter stale = new ScriptedDrafter(
                Proposer.corrupted(Proposer.oracle(reference.model()), TestTargets.TINY.vocabSize()),
                ScriptedDrafter.Fault.NONE, 0, true);
        String target = harness.addDrafter(stale);
        assertSameAsTarget(target, SpeculationMode.SPECULATION_MODE_FIXED, 4);
        SessionResult r = harness.run(request("Hello", target, SpeculationMode.SPECULATION_MODE_FIXED, 4));
        assertThat(r.summary().getDrafterFallback()).isEmpty();
        assertThat(stale.blocks.get()).isGreaterThan(stale.verdicts.get() * 2);
    }

    @Test
    void autoMode_oracle_matchesTarget() {
        String target = harness.addDrafter(new ScriptedDrafter(Proposer.oracle(reference.model())));
        assertSameAsTarget(target, SpeculationMode.SPECULATION_MODE_AUTO, 2);
    }

    @Test
    void autoMode_hopelessDrafter_policyClosesStreamAndGoesPlain() throws InterruptedException {
        ScriptedDrafter hopeless = new ScriptedDrafter(Proposer.uniform(TestTargets.TINY.vocabSize()));
        String target = harness.addDrafter(hopeless);
        harness.priceVerification(1); // memory bound: with the prior acceptance, opening the drafter pays
        String prompt = "The quick brown fox";
        GenerationResult expected = reference.generate(prompt, MAX_TOKENS, SamplingParams.greedy());
        SessionResult r = harness.run(request(prompt, target, SpeculationMode.SPECULATION_MODE_AUTO, 4));
        assertThat(r.tokens()).containsExactly(expected.tokens());
        List<Integer> lengths = r.summary().getDraftLengthsList();
        assertThat(lengths.subList(0, 3)).as("the starting length until the policy has data").containsOnly(4);
        assertThat(lengths.getLast()).as("plain decoding once speculation does not pay").isZero();
        assertThat(r.summary().getDrafterFallback()).as("a policy decision, not a failure").isEmpty();
        for (int i = 0; i < 200 && hopeless.completed.get() == 0; i++) {
            Thread.sleep(5);
        }
        assertThat(hopeless.completed.get()).as("drafter stream closed with onCompleted").isEqualTo(1);
        assertThat(hopeless.cancelled.get()).isZero();
    }
}
