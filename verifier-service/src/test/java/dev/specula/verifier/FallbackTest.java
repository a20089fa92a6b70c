package dev.specula.verifier;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.verifier.drafter.DrafterPool;
import dev.specula.verifier.testing.Proposer;
import dev.specula.verifier.testing.ScriptedDrafter;
import dev.specula.verifier.testing.SessionResult;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Any drafter failure leaves the output unchanged: the session goes plain and the summary says why. */
class FallbackTest {

    static final String PROMPT = "The quick brown fox";
    static final int MAX_TOKENS = 30;
    static final long DEADLINE_MS = 150;

    @TempDir
    static Path dir;
    static TestTargets.Reference reference;
    static VerifierHarness harness;
    static GenerationResult expected;

    @BeforeAll
    static void start() {
        Path model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").blockDeadlineMs(DEADLINE_MS)
                .drafterOpenTimeoutMs(500).build());
        expected = reference.generate(PROMPT, MAX_TOKENS, SamplingParams.greedy());
    }

    @AfterAll
    static void stop() {
        harness.close();
        reference.close();
    }

    static OpenSessionRequest request(String target) {
        return OpenSessionRequest.newBuilder().setSessionId("fallback").setPrompt(PROMPT).setMaxTokens(MAX_TOKENS)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                        .setDraftLength(3))
                .setDrafter(DrafterEndpoint.newBuilder().setDrafterId("scripted").setTarget(target)).build();
    }

    private SessionResult runAndCheck(String target) {
        SessionResult r = harness.run(request(target));
        assertThat(r.tokens()).containsExactly(expected.tokens());
        assertThat(r.text()).isEqualTo(expected.text());
        return r;
    }

    private ScriptedDrafter oracle(ScriptedDrafter.Fault fault, int after) {
        return new ScriptedDrafter(Proposer.oracle(reference.model()), fault, after, false);
    }

    @Test
    void open_sendsFingerprintAndTokenDigestsOfTheTargetVocabulary() {
        ScriptedDrafter drafter = oracle(ScriptedDrafter.Fault.NONE, 0);

        runAndCheck(harness.addDrafter(drafter));

        Tokenizer target = ByteVocabulary.tokenizer(TestTargets.TINY.vocabSize());
        assertThat(drafter.lastOpen.getVocabularyFingerprint()).isEqualTo(VocabularyFingerprint.of(target));
        assertThat(drafter.lastOpen.getVocabularyTokenDigests().toByteArray())
                .isEqualTo(VocabularyFingerprint.tokenDigests(target));
    }

    @Test
    void stallingDrafter_missesDeadline_fallsBackWithSameOutput() throws InterruptedException {
        ScriptedDrafter stall = oracle(ScriptedDrafter.Fault.STALL, 0);
        String target = harness.addDrafter(stall);
        long t0 = System.nanoTime();
        SessionResult r = runAndCheck(target);
        assertThat((System.nanoTime() - t0) / 1e6).isGreaterThanOrEqualTo(DEADLINE_MS);
        assertThat(r.summary().getDrafterFallback()).isEqualTo("drafter scripted at " + target
                + " missed the block deadline of " + DEADLINE_MS + " ms at position "
                + reference.promptTokens(PROMPT).length);
        assertThat(r.summary().getDraftLengthsList()).containsOnly(0);
        awaitCancelled(stall);
    }

    @Test
    void erroringDrafter_afterTwoBlocks_fallsBackWithSameOutput() throws InterruptedException {
        ScriptedDrafter failing = oracle(ScriptedDrafter.Fault.ERROR_AFTER, 2);
        SessionResult r = runAndCheck(harness.addDrafter(failing));
        assertThat(r.summary().getDrafterFallback()).contains("failed with UNAVAILABLE: scripted failure at position");
        assertThat(r.summary().getDraftedTokens()).isPositive();
        assertThat(r.summary().getDraftLengthsList()).contains(0, 3);
    }

    @Test
    void closingDrafter_afterOneBlock_fallsBackWithSameOutput() {
        SessionResult r = runAndCheck(harness.addDrafter(oracle(ScriptedDrafter.Fault.CLOSE_AFTER, 1)));
        assertThat(r.summary().getDrafterFallback()).contains("closed the stream at position");
    }

    @Test
    void refusingDrafter_atHandshake_plainWithReason() {
        SessionResult r = runAndCheck(harness.addDrafter(oracle(ScriptedDrafter.Fault.REFUSE, 0)));
        assertThat(r.summary().getDrafterFallback())
                .contains("refused the session: FAILED_PRECONDITION: vocabulary_fingerprint");
        assertThat(r.summary().getDrafterId()).isEmpty();
        assertThat(r.summary().getDraftedTokens()).isZero();
    }

    @Test
    void unreachableDrafter_plainWithReason() {
        SessionResult r = runAndCheck("no-such-drafter");
        assertThat(r.summary().getDrafterFallback()).startsWith("drafter scripted at no-such-drafter ")
                .contains("UNAVAILABLE");
    }

    @Test
    void malformedBlock_tokenOutOfVocabulary_fallsBack() throws InterruptedException {
        int vocab = TestTargets.TINY.vocabSize();
        ScriptedDrafter bad = new ScriptedDrafter((sequence, n, params, random) -> {
            int[] tokens = new int[n + 1];
            java.util.Arrays.fill(tokens, vocab + 3);
            return new Proposer.Proposal(tokens, null);
        });
        SessionResult r = runAndCheck(harness.addDrafter(bad));
        assertThat(r.summary().getDrafterFallback()).contains("sent a malformed block at position")
                .contains("block.tokens[0]: " + (vocab + 3));
        awaitCancelled(bad);
    }

    @Test
    void sampledMode_blockWithoutQ_fallsBack() {
        ScriptedDrafter noQ = new ScriptedDrafter((sequence, n, params, random) ->
                new Proposer.Proposal(new int[n + 1], null));
        SessionResult r = harness.run(sampled(harness.addDrafter(noQ)));
        assertThat(r.summary().getDrafterFallback()).contains("sent a malformed block at position")
                .contains("block.q: 0 distributions");
        assertThat(r.tokens()).isNotEmpty();
    }

    @Test
    void sampledMode_draftTokenWithZeroDraftProbability_fallsBack() {
        ScriptedDrafter inconsistent = new ScriptedDrafter((sequence, n, params, random) -> {
            SparseDistribution[] q = new SparseDistribution[n];
            java.util.Arrays.fill(q, SparseDistribution.pointMass(7));
            return new Proposer.Proposal(new int[n + 1], q); // drafts token 0, which q says it never samples
        });
        SessionResult r = harness.run(sampled(harness.addDrafter(inconsistent)));
        assertThat(r.summary().getDrafterFallback()).contains("block.q[0]: probability 0 for its token 0");
    }

    @Test
    void sampledMode_sameSeed_sameOutputWithAndWithoutFailingDrafter() {
        // After a fallback the session samples plainly from its own random stream: still reproducible.
        ScriptedDrafter refusing = oracle(ScriptedDrafter.Fault.REFUSE, 0);
        SessionResult a = harness.run(sampled(harness.addDrafter(refusing)));
        SessionResult b = harness.run(sampled(harness.addDrafter(refusing)));
        assertThat(a.tokens()).containsExactly(b.tokens());
    }

    private static OpenSessionRequest sampled(String target) {
        return request(target).toBuilder()
                .setSampling(Sampling.newBuilder().setTemperature(0.8f).setSeed(42)).build();
    }

    @Test
    void circuitBreaker_opensAfterFailures_sessionsGoPlainImmediately() {
        CircuitBreakerConfig breaker = CircuitBreakerConfig.from(DrafterPool.DEFAULT_BREAKER)
                .minimumNumberOfCalls(2).slidingWindowSize(2).waitDurationInOpenState(Duration.ofMinutes(5)).build();
        try (VerifierHarness own = new VerifierHarness(VerifierConfig.builder(TestTargets.tiny(dir, 7))
                .backend("naive").build(), breaker)) {
            ScriptedDrafter refusing = oracle(ScriptedDrafter.Fault.REFUSE, 0);
            String target = own.addDrafter(refusing);
            own.run(request(target));
            own.run(request(target));
            SessionResult r = own.run(request(target));
            assertThat(r.tokens()).containsExactly(expected.tokens());
            assertThat(r.summary().getDrafterFallback()).isEqualTo("drafter scripted at " + target
                    + ": circuit breaker open, decoding plainly");
            assertThat(refusing.opened.get()).isEqualTo(2);
            assertThat(own.verifier().drafters().channelCount()).isEqualTo(1);
        }
    }

    private static void awaitCancelled(ScriptedDrafter drafter) throws InterruptedException {
        for (int i = 0; i < 200 && drafter.cancelled.get() == 0; i++) {
            Thread.sleep(5);
        }
        assertThat(drafter.cancelled.get()).as("drafter stream cancelled").isEqualTo(1);
    }
}
