package dev.specula.drafter;

import dev.specula.proto.v1.DrafterServiceGrpc;
import dev.specula.proto.v1.ProposeRequest;
import dev.specula.proto.v1.ProposeResponse;
import dev.specula.rpc.ServerHealth;
import dev.specula.telemetry.Telemetry;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The drafter's gRPC service: each {@code Propose} stream is one {@link DraftingSession}. Opens are checked
 * here, on the gRPC thread (bad fields, vocabulary, session limit); prefill and drafting run on the session's
 * own virtual thread, and their forward passes go through each model's batcher so that the draft steps of
 * concurrent sessions share passes.
 */
final class DrafterServiceImpl extends DrafterServiceGrpc.DrafterServiceImplBase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DrafterServiceImpl.class.getName());
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final List<DrafterModel> models;
    private final int maxSessions;
    private final double minConfidence;
    private final DrafterMetrics metrics;
    private final Tracer tracer;
    private final Set<DraftingSession> sessions = ConcurrentHashMap.newKeySet();
    private final ServerHealth health;
    private volatile boolean closed;

    /**
     * @param models        the loaded models, the first being the default; the caller keeps ownership
     * @param maxSessions   concurrent sessions at most
     * @param minConfidence early-stop threshold, in [0, 1)
     * @param health        the server's health, told when a draft model's forward pass fails
     * @param telemetry     where the service's metrics and session spans go
     */
    DrafterServiceImpl(List<DrafterModel> models, int maxSessions, double minConfidence, ServerHealth health,
                       Telemetry telemetry) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models: none (expected: at least one)");
        }
        this.models = List.copyOf(models);
        this.maxSessions = maxSessions;
        this.minConfidence = minConfidence;
        this.health = health;
        this.metrics = new DrafterMetrics(telemetry.meter(), this::forwardPasses, this::forwardRequests);
        this.tracer = telemetry.tracer();
    }

    /** The service's counters. */
    public DrafterMetrics metrics() {
        return metrics;
    }

    /** Sessions open now; see {@link DrafterMetrics#openSessions()}. */
    public int openSessions() {
        return metrics.openSessions();
    }

    /** Blocks sent so far; see {@link DrafterMetrics#blocksSent()}. */
    public long blocksSent() {
        return metrics.blocksSent();
    }

    /** Draft tokens sent so far; see {@link DrafterMetrics#tokensDrafted()}. */
    public long tokensDrafted() {
        return metrics.tokensDrafted();
    }

    /** Forward passes run so far over every model's batcher. */
    public long forwardPasses() {
        return models.stream().mapToLong(m -> m.batcher().passes()).sum();
    }

    /** Session forward requests served so far over every model; {@code requests / passes} is the mean batch. */
    public long forwardRequests() {
        return models.stream().mapToLong(m -> m.batcher().requests()).sum();
    }

    @Override
    public StreamObserver<ProposeRequest> propose(StreamObserver<ProposeResponse> responseObserver) {
        ServerCallStreamObserver<ProposeResponse> call = (ServerCallStreamObserver<ProposeResponse>) responseObserver;
        ProposeCall handler = new ProposeCall(new ResponseSender(call));
        call.setOnCancelHandler(handler::cancelled);
        return handler;
    }

    /**
     * Ends every session (their streams fail with UNAVAILABLE) and refuses new ones; waits for their loops to
     * free their KV caches. The models stay open: their owner closes them afterwards.
     */
    @Override
    public void close() {
        closed = true;
        for (DraftingSession session : sessions) {
            session.stop(DraftingSession.End.SHUTDOWN);
        }
        long deadline = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
        try {
            for (DraftingSession session : sessions) {
                if (!session.await(Math.max(1, deadline - System.currentTimeMillis()))) {
                    LOG.warning("a drafting session did not end within " + CLOSE_WAIT_MILLIS + " ms of shutdown");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request side of one Propose stream. gRPC calls onNext, onError and onCompleted one at a time. */
    private final class ProposeCall implements StreamObserver<ProposeRequest> {

        private final ResponseSender sender;
        private volatile DraftingSession session;
        private boolean failed;

        ProposeCall(ResponseSender sender) {
            this.sender = sender;
        }

        @Override
        public void onNext(ProposeRequest request) {
            if (failed) {
                return;
            }
            switch (request.getMessageCase()) {
                case OPEN -> open(request);
                case VERDICT -> {
                    if (session == null) {
                        fail(Status.INVALID_ARGUMENT.withDescription("verdict: before open (expected: open first)"));
                    } else {
                        session.offer(request.getVerdict());
                    }
                }
                case MESSAGE_NOT_SET -> fail(Status.INVALID_ARGUMENT.withDescription(
                        "message: empty (expected: open, then verdicts)"));
            }
        }

        private void open(ProposeRequest request) {
            if (session != null) {
                fail(Status.INVALID_ARGUMENT.withDescription("open: sent twice (expected: once, first)"));
                return;
            }
            if (closed) {
                fail(Status.UNAVAILABLE.withDescription("drafter shutting down"));
                return;
            }
            SessionRequest open;
            try {
                open = SessionRequest.from(request.getOpen(), models);
            } catch (StatusException e) {
                fail(e.getStatus());
                return;
            }
            if (!metrics.tryOpen(maxSessions)) {
                fail(Status.RESOURCE_EXHAUSTED.withDescription("sessions: " + maxSessions
                        + " open (expected: fewer than maxSessions " + maxSessions + "; retry later or elsewhere)"));
                return;
            }
            DraftingSession[] self = new DraftingSession[1];
            // The gRPC instrumentation made the Propose call's span current: the session's span is its child.
            Span span = tracer.spanBuilder("drafter.session").setParent(Context.current())
                    .setAttribute("specula.session_id", open.sessionId())
                    .setAttribute("specula.drafter", open.model().id()).startSpan();
            self[0] = new DraftingSession(open, sender, minConfidence, metrics, span, health::backendFailed, () -> {
                sessions.remove(self[0]);
                metrics.closed();
            });
            sessions.add(self[0]);
            session = self[0];
            self[0].start();
            if (closed) {
                self[0].stop(DraftingSession.End.SHUTDOWN); // close() may have missed it
            }
        }

        private void fail(Status status) {
            failed = true;
            DraftingSession s = session;
            if (s != null) {
                s.stop(DraftingSession.End.CANCELLED);
            }
            sender.fail(status);
        }

        @Override
        public void onError(Throwable t) {
            end(DraftingSession.End.CANCELLED);
        }

        @Override
        public void onCompleted() {
            end(DraftingSession.End.COMPLETED);
        }

        void cancelled() {
            sender.cancelled();
            end(DraftingSession.End.CANCELLED);
        }

        private void end(DraftingSession.End why) {
            DraftingSession s = session;
            if (s != null) {
                s.stop(why);
            } else if (why == DraftingSession.End.COMPLETED) {
                sender.complete();
            }
        }
    }
}
