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
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real model from ../shared: greedy sessions, plain and speculative, equal the target alone. */
class Stories260kTest {

    @Test
    void stories260k_greedyPlainAndSpeculative_matchTargetAlone() {
        Path model = TestTargets.shared("models/stories260K/stories260K.bin");
        Path tokenizer = TestTargets.shared("models/stories260K/tok512.bin");
        try (TestTargets.Reference reference = new TestTargets.Reference(model, tokenizer);
             VerifierHarness harness = new VerifierHarness(VerifierConfig.builder(model).tokenizer(tokenizer)
                     .backend("naive").modelName("stories260K").build())) {
            String oracle = harness.addDrafter(new ScriptedDrafter(
                    Proposer.corrupted(Proposer.oracle(reference.model()), 512)));
            for (String prompt : new String[] {"Once upon a time", "The little dog"}) {
                GenerationResult expected = reference.generate(prompt, 80, SamplingParams.greedy());
                for (String drafter : new String[] {null, oracle}) {
                    OpenSessionRequest.Builder b = OpenSessionRequest.newBuilder().setSessionId("s260k")
                            .setPrompt(prompt).setMaxTokens(80).setSpeculation(Speculation.newBuilder()
                                    .setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(6));
                    if (drafter != null) {
                        b.setDrafter(DrafterEndpoint.newBuilder().setDrafterId("oracle").setTarget(drafter));
                    }
                    SessionResult r = harness.run(b.build());
                    assertThat(r.tokens()).containsExactly(expected.tokens());
                    assertThat(r.text()).isEqualTo(expected.text());
                    assertThat(r.summary().getModel()).isEqualTo("stories260K");
                    assertThat(r.summary().getFinishReason()).isIn(FinishReason.FINISH_REASON_EOS,
                            FinishReason.FINISH_REASON_MAX_TOKENS);
                    if (drafter != null) {
                        assertThat(r.summary().getMeanAcceptedLength()).isGreaterThan(1.5);
                    }
                }
            }
        }
    }
}
