package dev.specula.verifier;

import dev.specula.proto.v1.DrafterEndpoint;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.verifier.testing.Proposer;
import dev.specula.verifier.testing.ScriptedDrafter;
import dev.specula.verifier.testing.TestTargets;
import dev.specula.verifier.testing.VerifierHarness;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Sessions over maxSessions wait in a bounded FIFO queue, for a bounded time, before RESOURCE_EXHAUSTED. */
class AdmissionQueueTest {

    /** A breaker that never opens: every session here must reach its (stalling) drafter. */
    private static final CircuitBreakerConfig NEVER_OPENS = CircuitBreakerConfig.custom()
            .slidingWindowSize(10_000).minimumNumberOfCalls(10_000).build();

    @TempDir
    static Path dir;
    static Path model;
    static TestTargets.Reference reference;

    @BeforeAll
    static void start() {
        model = TestTargets.tiny(dir, 7);
        reference = new TestTargets.Reference(model, null);
    }

    @AfterAll
    static void stop() {
        reference.close();
    }

    /** A session that holds its place for the block deadline (its drafter stalls), then decodes plainly. */
    private static OpenSessionRequest stalled(int i, String drafter) {
        return OpenSessionRequest.newBuilder().setSessionId("queued-" + i).setPrompt("Hello").setMaxTokens(3)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(3))
                .setDrafter(DrafterEndpoint.newBuilder().setDrafterId("scripted").setTarget(drafter)).build();
    }

    private static String stallingDrafter(VerifierHarness harness) {
        return harness.addDrafter(new ScriptedDrafter(Proposer.oracle(reference.model()), ScriptedDrafter.Fault.STALL, 0, false));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void openSession_80StreamsAgainst64Sessions_allCompleteThroughTheQueue() throws Exception {
        try (VerifierHarness harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive")
                .maxSessions(64).maxQueuedSessions(64).maxQueueWaitMs(30_000).blockDeadlineMs(500).build(), NEVER_OPENS)) {
            String drafter = stallingDrafter(harness);
            CountDownLatch done = new CountDownLatch(80);
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<String> summaries = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 80; i++) {
                harness.asyncStub().openSession(stalled(i, drafter), new StreamObserver<>() {
                    @Override
                    public void onNext(OpenSessionResponse r) {
                        if (r.hasSummary()) {
                            summaries.add(r.getSummary().getVerifierId());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        errors.add(t);
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
            }
            // Sessions hold their places for the 500 ms block deadline, so all 80 have arrived before any ends.
            await(() -> harness.verifier().queuedSessions() == 16 && harness.verifier().activeSessions() == 64,
                    "16 sessions queued behind 64 running");

            assertThat(done.await(60, TimeUnit.SECONDS)).as("all 80 ended").isTrue();
            assertThat(errors).isEmpty();
            assertThat(summaries).hasSize(80);
            assertThat(harness.verifier().queuedSessions()).isZero();
        }
    }

    @Test
    void openSession_queueFull_resourceExhaustedNamingTheLimits() throws Exception {
        try (VerifierHarness harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive")
                .maxSessions(1).maxQueuedSessions(1).maxQueueWaitMs(30_000).blockDeadlineMs(10_000).build(), NEVER_OPENS)) {
            String drafter = stallingDrafter(harness);
            Context.CancellableContext running = Context.current().withCancellation();
            Context.CancellableContext queued = Context.current().withCancellation();
            running.run(() -> harness.asyncStub().openSession(stalled(0, drafter), new Ignore()));
            await(() -> harness.verifier().activeSessions() == 1, "one session running");
            queued.run(() -> harness.asyncStub().openSession(stalled(1, drafter), new Ignore()));
            await(() -> harness.verifier().queuedSessions() == 1, "one session queued");

            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> harness.run(stalled(2, drafter)));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).isEqualTo("sessions: 1 running and 1 waiting (expected: at most "
                    + "maxSessions 1 running and maxQueuedSessions 1 waiting)");

            queued.cancel(null); // a cancelled waiter leaves the queue
            await(() -> harness.verifier().queuedSessions() == 0, "the cancelled waiter removed");
            running.cancel(null);
            assertThat(harness.awaitIdle(5_000)).isZero();
        }
    }

    @Test
    void openSession_queueWaitOver_resourceExhaustedNamingTheWait() throws Exception {
        try (VerifierHarness harness = new VerifierHarness(VerifierConfig.builder(model).backend("naive")
                .maxSessions(1).maxQueuedSessions(4).maxQueueWaitMs(200).blockDeadlineMs(10_000).build(), NEVER_OPENS)) {
            String drafter = stallingDrafter(harness);
            Context.CancellableContext running = Context.current().withCancellation();
            running.run(() -> harness.asyncStub().openSession(stalled(0, drafter), new Ignore()));
            await(() -> harness.verifier().activeSessions() == 1, "one session running");

            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> harness.run(stalled(1, drafter)));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).startsWith("sessions: waited ")
                    .endsWith("ms in the queue (expected: one of maxSessions 1 free within maxQueueWaitMs 200 and the call's deadline)");
            // A call's own shorter deadline bounds the wait too.
            StatusRuntimeException late = catchThrowableOfType(StatusRuntimeException.class, () ->
                    harness.stub().withDeadlineAfter(50, TimeUnit.MILLISECONDS).openSession(stalled(2, drafter)).hasNext());
            assertThat(late.getStatus().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);
            await(() -> harness.verifier().queuedSessions() == 0, "nobody left waiting");
            running.cancel(null);
            assertThat(harness.awaitIdle(5_000)).isZero();
        }
    }

    private static final class Ignore implements StreamObserver<OpenSessionResponse> {
        @Override
        public void onNext(OpenSessionResponse value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
