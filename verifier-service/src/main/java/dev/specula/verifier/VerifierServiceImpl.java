package dev.specula.verifier;

import dev.specula.engine.generate.Generator;
import dev.specula.proto.v1.DescribeModelRequest;
import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.VerifierServiceGrpc;
import dev.specula.verifier.session.GenerationSession;
import dev.specula.verifier.session.RequestValidator;
import dev.specula.verifier.session.SessionResources;
import dev.specula.verifier.session.SessionSpec;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.context.Context;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The VerifierServiceImpl implementation: validates each OpenSession request and runs it as a
 * {@link GenerationSession} on its own virtual thread, at most {@code maxSessions} at once.
 */
final class VerifierServiceImpl extends VerifierServiceGrpc.VerifierServiceImplBase {

    private final SessionResources resources;
    private final RequestValidator validator;
    private final int maxSessions;
    private final Set<GenerationSession> active = ConcurrentHashMap.newKeySet();
    private final DescribeModelResponse description;
    private int running; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param resources        what the sessions share
     * @param maxSessions      sessions at once; more are refused with RESOURCE_EXHAUSTED
     * @param defaultMaxTokens tokens to generate when a request names no max_tokens
     * @param description      the answer to DescribeModel
     */
    VerifierServiceImpl(SessionResources resources, int maxSessions, int defaultMaxTokens,
                        DescribeModelResponse description) {
        this.resources = resources;
        this.description = description;
        this.maxSessions = maxSessions;
        this.validator = new RequestValidator(new Generator(resources.model(), resources.tokenizer()),
                resources.tokenizer().vocabSize(), resources.context(), defaultMaxTokens);
    }

    @Override
    public void describeModel(DescribeModelRequest request, StreamObserver<DescribeModelResponse> responseObserver) {
        responseObserver.onNext(description);
        responseObserver.onCompleted();
    }

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> responseObserver) {
        long start = System.nanoTime();
        SessionSpec spec;
        try {
            spec = validator.validate(request);
        } catch (StatusException e) {
            responseObserver.onError(e);
            return;
        }
        synchronized (this) {
            if (closed) {
                responseObserver.onError(Status.UNAVAILABLE.withDescription("verifier " + resources.verifierId()
                        + " is shutting down").asException());
                return;
            }
            if (running >= maxSessions) {
                responseObserver.onError(Status.RESOURCE_EXHAUSTED.withDescription("sessions: " + running
                        + " running (expected: at most maxSessions " + maxSessions + ")").asException());
                return;
            }
            running++;
        }
        // The gRPC instrumentation made the OpenSession call's span current: the session's span is its child.
        GenerationSession session = new GenerationSession(spec, resources, responseObserver, start, Context.current());
        active.add(session);
        if (responseObserver instanceof ServerCallStreamObserver<OpenSessionResponse> call) {
            call.setOnCancelHandler(() -> session.stop("client cancelled", false));
        }
        Thread.ofVirtual().name("session-" + spec.sessionId()).start(() -> {
            try {
                session.run();
            } finally {
                active.remove(session);
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        });
    }

    /** Sessions running now. */
    public synchronized int activeSessions() {
        return running;
    }

    /** Tokens held in the running sessions' KV caches now. */
    public long cachedTokens() {
        long tokens = 0;
        for (GenerationSession s : active) {
            tokens += s.cachedTokens();
        }
        return tokens;
    }

    /**
     * Refuses new sessions, stops the running ones (their clients get UNAVAILABLE, so a router can resume them
     * elsewhere) and waits up to {@code waitMillis} for them to end.
     */
    public void shutdown(long waitMillis) {
        synchronized (this) {
            closed = true;
        }
        for (GenerationSession s : active) {
            s.stop("verifier " + resources.verifierId() + " is shutting down", true);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        synchronized (this) {
            while (running > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
