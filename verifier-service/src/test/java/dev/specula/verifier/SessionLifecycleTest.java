package dev.specula.verifier;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.verifier.testing.Proposer;
import dev.specula.verifier.testing.ScriptedDrafter;
import dev.specula.verifier.testing.SessionResult;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Concurrency, cancellation, the session limit, resumption and shutdown. */
class SessionLifecycleTest {

    static final List<String> PROMPTS = List.of("Hello", "ab", "日本語", "The quick brown fox", "zzz", "0123",
            "über", "Once upon");

    @TempDir
    static Path dir;
    static Path model;
    static TestTargets.Reference reference;
    static VerifierHarness harness;

    @BeforeAll
    static void start() {
        model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
        harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive").blockDeadlineMs(5_000).build());
    }

    @AfterAll
    static void stop() {
        harness.close();
        reference.close();
    }

    static OpenSessionRequest request(String prompt, int maxTokens, String drafter) {
        OpenSessionRequest.Builder b = OpenSessionRequest.newBuilder().setSessionId("life-" + prompt)
                .setPrompt(prompt).setMaxTokens(maxTokens)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                        .setDraftLength(3));
        if (drafter != null) {
            b.setDrafter(DrafterEndpoint.newBuilder().setDrafterId("scripted").setTarget(drafter));
        }
        return b.build();
    }

    @Test
    void eightConcurrentSessions_sameAsSolo_andBatched() throws Exception {
        Path small = TestTargets.write(dir, TestTargets.SMALL, "small", 3);
        try (TestTargets.Reference smallReference = new TestTargets.Reference(small, null);
             VerifierHarness own = new VerifierHarness(VerifierConfig.builder(small).backend("naive")
                     .blockDeadlineMs(5_000).build())) {
            String oracle = own.addDrafter(new ScriptedDrafter(Proposer.oracle(smallReference.model())));
            List<OpenSessionRequest> requests = new ArrayList<>();
            List<int[]> solo = new ArrayList<>();
            for (int i = 0; i < PROMPTS.size(); i++) {
                requests.add(request(PROMPTS.get(i), 20, i % 2 == 0 ? oracle : null));
                solo.add(own.run(requests.get(i)).tokens());
                assertThat(solo.get(i)).containsExactly(
                        smallReference.generate(PROMPTS.get(i), 20, SamplingParams.greedy()).tokens());
            }
            long passes = own.verifier().batcher().passes();
            long served = own.verifier().batcher().requests();
            try (ExecutorService pool = Executors.newFixedThreadPool(PROMPTS.size())) {
                List<Future<int[]>> futures = new ArrayList<>();
                for (OpenSessionRequest r : requests) {
                    futures.add(pool.submit(() -> own.run(r).tokens()));
                }
                for (int i = 0; i < PROMPTS.size(); i++) {
                    assertThat(futures.get(i).get()).as(PROMPTS.get(i)).containsExactly(solo.get(i));
                }
            }
            long batchedPasses = own.verifier().batcher().passes() - passes;
            long batchedRequests = own.verifier().batcher().requests() - served;
            assertThat(batchedRequests).as("several sessions per pass").isGreaterThan(batchedPasses);
            assertThat(own.awaitIdle(2_000)).isZero();
        }
    }

    @Test
    void clientCancel_midSession_freesSessionAndCancelsDrafter() throws Exception {
        ScriptedDrafter stall = new ScriptedDrafter(Proposer.oracle(reference.model()), ScriptedDrafter.Fault.STALL,
                0, false);
        String target = harness.addDrafter(stall);
        Context.CancellableContext context = Context.current().withCancellation();
        Iterator<OpenSessionResponse> it = context.call(() -> harness.stub().openSession(request("Hello", 30, target)));
        for (int i = 0; i < 400 && harness.verifier().activeSessions() == 0; i++) {
            Thread.sleep(5);
        }
        for (int i = 0; i < 400 && stall.opened.get() == 0; i++) {
            Thread.sleep(5);
        }
        assertThat(harness.verifier().activeSessions()).isEqualTo(1);
        context.cancel(null);
        assertThat(harness.awaitIdle(3_000)).isZero();
        for (int i = 0; i < 400 && stall.cancelled.get() == 0; i++) {
            Thread.sleep(5);
        }
        assertThat(stall.cancelled.get()).isEqualTo(1);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    @Test
    void sessionLimit_reached_resourceExhaustedThenServesAgain() throws Exception {
        try (VerifierHarness small = new VerifierHarness(VerifierConfig.builder(model).backend("naive")
                .maxSessions(1).maxQueuedSessions(0).blockDeadlineMs(10_000).build())) {
            ScriptedDrafter stall = new ScriptedDrafter(Proposer.oracle(reference.model()),
                    ScriptedDrafter.Fault.STALL, 0, false);
            String target = small.addDrafter(stall);
            Context.CancellableContext context = Context.current().withCancellation();
            context.call(() -> small.stub().openSession(request("Hello", 10, target)));
            for (int i = 0; i < 400 && small.verifier().activeSessions() == 0; i++) {
                Thread.sleep(5);
            }
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> small.run(request("ab", 5, null)));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("maxSessions 1");
            context.cancel(null);
            assertThat(small.awaitIdle(3_000)).isZero();
            assertThat(small.run(request("ab", 5, null)).summary().getCompletionTokens()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void resume_withCommittedTokens_continuesExactlyWhereFullRunWould() {
        String oracle = harness.addDrafter(new ScriptedDrafter(Proposer.oracle(reference.model())));
        String prompt = "The quick brown fox";
        GenerationResult full = reference.generate(prompt, 30, SamplingParams.greedy());
        assertThat(full.tokens().length).as("a long enough continuation to cut").isGreaterThan(12);
        int[] done = Arrays.copyOf(full.tokens(), 10);
        for (String drafter : new String[] {null, oracle}) {
            OpenSessionRequest.Builder b = request(prompt, 30, drafter).toBuilder();
            for (int t : done) {
                b.addCommittedTokens(t);
            }
            SessionResult rest = harness.run(b.build());
            assertThat(rest.tokens()).containsExactly(Arrays.copyOfRange(full.tokens(), 10, full.tokens().length));
            assertThat(rest.summary().getCompletionTokens()).isEqualTo(full.tokens().length - 10);
        }
    }

    @Test
    void absentMaxTokens_fillsContext_finishesContextFull() {
        String prompt = "x".repeat(80);
        int room = TestTargets.TINY.contextLength() - reference.promptTokens(prompt).length;
        GenerationResult full = reference.generate(prompt, room, SamplingParams.greedy());
        SessionResult r = harness.run(request(prompt, 1, null).toBuilder().clearMaxTokens().build());
        assertThat(r.tokens()).containsExactly(full.tokens());
        if (full.tokens().length == room) {
            assertThat(r.summary().getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_CONTEXT_FULL);
        }
    }

    @Test
    void close_withRunningSession_clientGetsUnavailable() throws Exception {
        VerifierHarness own = new VerifierHarness(VerifierConfig.builder(model).backend("naive")
                .blockDeadlineMs(10_000).build());
        ScriptedDrafter stall = new ScriptedDrafter(Proposer.oracle(reference.model()), ScriptedDrafter.Fault.STALL,
                0, false);
        String target = own.addDrafter(stall);
        Iterator<OpenSessionResponse> it = own.stub().openSession(request("Hello", 10, target));
        for (int i = 0; i < 400 && own.verifier().activeSessions() == 0; i++) {
            Thread.sleep(5);
        }
        own.close();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED);
        assertThat(own.verifier().activeSessions()).isZero();
    }
}
