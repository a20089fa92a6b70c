package dev.specula.verifier;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.verifier.testing.Proposer;
import dev.specula.verifier.testing.ScriptedDrafter;
import dev.specula.verifier.testing.SessionResult;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto mode decides from measured costs whether to speculate at all, and never waits long for a drafter: the
 * output is the target's either way.
 */
class AutoSpeculationTest {

    static final String PROMPT = "The quick brown fox";
    static final int MAX_TOKENS = 30;
    /** Far longer than auto mode's patience, so that waiting it out would show. */
    static final long DEADLINE_MS = 5_000;

    @TempDir
    static Path dir;
    static Path model;
    static GenerationResult expected;
    VerifierHarness harness;
    TestTargets.Reference reference;

    @BeforeAll
    static void model() {
        model = TestTargets.tiny(dir, 7);
        try (TestTargets.Reference r = new TestTargets.Reference(model, null)) {
            expected = r.generate(PROMPT, MAX_TOKENS, SamplingParams.greedy());
        }
    }

    @BeforeEach
    void start() {
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").blockDeadlineMs(DEADLINE_MS)
                .drafterOpenTimeoutMs(DEADLINE_MS).build());
    }

    @AfterEach
    void stop() {
        harness.close();
        reference.close();
    }

    private static OpenSessionRequest auto(String target) {
        return OpenSessionRequest.newBuilder().setSessionId("auto").setPrompt(PROMPT).setMaxTokens(MAX_TOKENS)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_AUTO)
                        .setDraftLength(3))
                .setDrafter(DrafterEndpoint.newBuilder().setDrafterId("scripted").setTarget(target)).build();
    }

    private SessionResult runAndCheck(String target) {
        SessionResult r = harness.run(auto(target));
        assertThat(r.tokens()).containsExactly(expected.tokens());
        return r;
    }

    @Test
    void verificationNeverPays_autoNeverOpensTheDrafter() {
        ScriptedDrafter oracle = new ScriptedDrafter(Proposer.oracle(reference.model()));
        String target = harness.addDrafter(oracle);
        harness.priceVerification(1_000); // even a perfect drafter cannot make up for 1000 plain steps

        for (int i = 0; i < 3; i++) {
            SessionResult r = runAndCheck(target);
            assertThat(r.summary().getDrafterId()).as("no drafter served it").isEmpty();
            assertThat(r.summary().getDrafterFallback()).as("a policy decision, not a fallback").isEmpty();
            assertThat(r.summary().getDraftLengthsList()).containsOnly(0);
        }
        assertThat(oracle.opened.get()).as("no handshake paid").isZero();
    }

    @Test
    void readyDrafterAndPayingCostModel_autoSpeculates() {
        ScriptedDrafter oracle = new ScriptedDrafter(Proposer.oracle(reference.model()));
        String target = harness.addDrafter(oracle);
        harness.priceVerification(1); // memory bound: verification costs a plain step

        SessionResult r = runAndCheck(target);
        assertThat(oracle.opened.get()).isEqualTo(1);
        assertThat(r.summary().getDrafterId()).isEqualTo("scripted");
        assertThat(r.summary().getDraftedTokens()).isPositive();
        assertThat(r.summary().getAcceptanceRate()).isEqualTo(1.0);
        assertThat(r.summary().getDrafterFallback()).isEmpty();
    }

    @Test
    void stallingDrafter_autoStopsWaitingWithinPatience_noBreakerFailure() {
        ScriptedDrafter stall = new ScriptedDrafter(Proposer.oracle(reference.model()), ScriptedDrafter.Fault.STALL,
                0, false);
        String target = harness.addDrafter(stall);
        harness.priceVerification(1);

        long t0 = System.nanoTime();
        SessionResult r = runAndCheck(target);
        double ms = (System.nanoTime() - t0) / 1e6;

        assertThat(ms).as("never waits out the %d ms block deadline", DEADLINE_MS).isLessThan(DEADLINE_MS);
        if (!r.summary().getDrafterId().isEmpty()) { // on a busy machine the ready itself may come too late
            assertThat(r.summary().getDrafterFallback())
                    .startsWith("drafter scripted at " + target + " sent no block within ")
                    .endsWith("(auto: decoding plainly)");
        }
        CircuitBreaker.Metrics breaker = harness.verifier().drafters().breaker(target).getMetrics();
        assertThat(breaker.getNumberOfFailedCalls()).as("slow is not broken").isZero();
    }

    @Test
    void drafterSlowToAnswerTheOpen_autoDecodesPlainlyAtOnce_noBreakerFailure() {
        ScriptedDrafter slow = new ScriptedDrafter(Proposer.oracle(reference.model()),
                ScriptedDrafter.Fault.SLOW_READY, 3_000, false);
        String target = harness.addDrafter(slow);
        harness.priceVerification(1);

        long t0 = System.nanoTime();
        SessionResult r = runAndCheck(target);
        double ms = (System.nanoTime() - t0) / 1e6;

        assertThat(ms).as("does not wait for the 3 s ready").isLessThan(3_000);
        assertThat(r.summary().getDraftLengthsList()).containsOnly(0);
        assertThat(r.summary().getDrafterFallback()).isEmpty();
        CircuitBreaker.Metrics breaker = harness.verifier().drafters().breaker(target).getMetrics();
        assertThat(breaker.getNumberOfFailedCalls()).as("slow is not broken").isZero();
    }
}
