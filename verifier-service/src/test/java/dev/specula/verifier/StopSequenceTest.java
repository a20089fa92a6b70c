package dev.specula.verifier;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.CommittedTokens;
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

import static org.assertj.core.api.Assertions.assertThat;

/** Stop sequences and UTF-8 through whole sessions, plain and speculative. */
class StopSequenceTest {

    static final String PROMPT = "The quick brown fox";

    @TempDir
    static Path dir;
    static TestTargets.Reference reference;
    static VerifierHarness harness;
    static String oracle;

    @BeforeAll
    static void start() {
        Path model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").build());
        oracle = harness.addDrafter(new ScriptedDrafter(Proposer.oracle(reference.model())));
    }

    @AfterAll
    static void stop() {
        harness.close();
        reference.close();
    }

    static OpenSessionRequest.Builder request(String drafter) {
        OpenSessionRequest.Builder b = OpenSessionRequest.newBuilder().setSessionId("stop").setPrompt(PROMPT)
                .setMaxTokens(40).setSpeculation(Speculation.newBuilder()
                        .setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(4));
        if (drafter != null) {
            b.setDrafter(DrafterEndpoint.newBuilder().setTarget(drafter));
        }
        return b;
    }

    @Test
    void stopSequence_inMiddleOfOutput_textBeforeItAndStopReason() {
        GenerationResult full = reference.generate(PROMPT, 40, SamplingParams.greedy());
        String text = full.text();
        assertThat(text.length()).as("output to cut").isGreaterThan(12);
        // A stop sequence that first appears in the middle of the output.
        String stop = text.substring(text.length() / 2, text.length() / 2 + 3);
        int at = text.indexOf(stop);
        for (String drafter : new String[] {null, oracle}) {
            SessionResult r = harness.run(request(drafter).addStop("never-there").addStop(stop).build());
            assertThat(r.text()).isEqualTo(text.substring(0, at));
            assertThat(r.summary().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP_SEQUENCE);
            assertThat(r.tokens().length).isLessThan(full.tokens().length);
            assertThat(r.summary().getCompletionTokens()).isEqualTo(r.tokens().length);
            // Every id sent was generated, in order, once.
            assertThat(full.tokens()).startsWith(r.tokens());
        }
    }

    @Test
    void output_everyMessage_validUtf8AndConcatenatesToTargetText() {
        for (String prompt : new String[] {"日本語", "über café", "😀"}) {
            GenerationResult full = reference.generate(prompt, 40, SamplingParams.greedy());
            SessionResult r = harness.run(request(oracle).setPrompt(prompt).build());
            assertThat(r.text()).isEqualTo(full.text());
            for (CommittedTokens step : r.steps()) {
                // A split character would appear as U+FFFD in one message and be missing from the whole.
                assertThat(step.getTextBytes().isValidUtf8()).isTrue();
            }
        }
    }
}
