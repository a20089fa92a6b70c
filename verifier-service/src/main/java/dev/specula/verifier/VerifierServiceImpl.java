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
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The VerifierServiceImpl implementation: validates each OpenSession request and runs it as a
 * {@link GenerationSession} on its own virtual thread, at most {@code maxSessions} at once. A session that finds
 * them all taken waits in the admission queue ({@link SessionAdmission}) for up to {@code maxQueueWaitMs} and
 * never past its call's deadline, then gets RESOURCE_EXHAUSTED; so does one that finds the queue full.
 */
final class VerifierServiceImpl extends VerifierServiceGrpc.VerifierServiceImplBase {

    private final SessionResources resources;
    private final RequestValidator validator;
    private final SessionAdmission admission;
    private final long maxQueueWaitMs;
    private final Set<GenerationSession> active = ConcurrentHashMap.newKeySet();
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private final DescribeModelResponse description;
    private int running; // guarded by this
    private boolean closed; // guarded by this

    /** One call from its start to its session's end: what its cancel handler reaches. */
    private static final class Call {
        volatile boolean cancelled;
        volatile Thread waiter;
        volatile GenerationSession session;
    }

    /**
     * @param resources        what the sessions share
     * @param maxSessions      sessions at once
     * @param maxQueued        sessions that may wait for one of them; more are refused with RESOURCE_EXHAUSTED
     * @param maxQueueWaitMs   how long a session may wait before RESOURCE_EXHAUSTED
     * @param defaultMaxTokens tokens to generate when a request names no max_tokens
     * @param description      the answer to DescribeModel
     */
    VerifierServiceImpl(SessionResources resources, int maxSessions, int maxQueued, long maxQueueWaitMs,
                        int defaultMaxTokens, DescribeModelResponse description) {
        this.resources = resources;
        this.description = description;
        this.admission = new SessionAdmission(maxSessions, maxQueued);
        this.maxQueueWaitMs = maxQueueWaitMs;
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
        // The gRPC instrumentation made the OpenSession call's span current here; the session runs on another thread.
        io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
        SessionSpec spec;
        try {
            spec = validator.validate(request);
        } catch (StatusException e) {
            responseObserver.onError(e);
            return;
        }
        synchronized (this) {
            if (closed) {
                responseObserver.onError(shuttingDown().asException());
                return;
            }
        }
        Call call = new Call();
        if (responseObserver instanceof ServerCallStreamObserver<OpenSessionResponse> observer) {
            observer.setOnCancelHandler(() -> {
                call.cancelled = true;
                Thread waiter = call.waiter;
                if (waiter != null) {
                    waiter.interrupt(); // leaves the queue
                }
                GenerationSession session = call.session;
                if (session != null) {
                    session.stop("client cancelled", false);
                }
            });
        }
        if (admission.tryEnter()) {
            Thread.ofVirtual().name("session-" + spec.sessionId())
                    .start(() -> run(call, spec, responseObserver, start, trace));
            return;
        }
        if (!admission.joinQueue()) {
            responseObserver.onError(Status.RESOURCE_EXHAUSTED.withDescription("sessions: " + admission.running()
                    + " running and " + admission.waiting() + " waiting (expected: at most maxSessions "
                    + admission.maxSessions() + " running and maxQueuedSessions " + admission.maxQueued()
                    + " waiting)").asException());
            return;
        }
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(maxQueueWaitMs);
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            waitNanos = Math.min(waitNanos, deadline.timeRemaining(TimeUnit.NANOSECONDS));
        }
        long wait = waitNanos;
        Thread waiter = Thread.ofVirtual().name("queued-" + spec.sessionId()).unstarted(() -> {
            boolean admitted;
            try {
                admitted = admission.await(wait);
            } catch (InterruptedException e) {
                // cancelled (the client is gone) or shutting down
                if (!call.cancelled) {
                    respondError(responseObserver, shuttingDown());
                }
                return;
            } finally {
                waiters.remove(Thread.currentThread());
            }
            if (!admitted) {
                respondError(responseObserver, Status.RESOURCE_EXHAUSTED.withDescription("sessions: waited "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms in the queue (expected: one of "
                        + "maxSessions " + admission.maxSessions() + " free within maxQueueWaitMs " + maxQueueWaitMs
                        + " and the call's deadline)"));
                return;
            }
            run(call, spec, responseObserver, start, trace);
        });
        call.waiter = waiter;
        waiters.add(waiter);
        waiter.start();
    }

    /** Runs an admitted session to its end, then gives its place to the next. */
    private void run(Call call, SessionSpec spec, StreamObserver<OpenSessionResponse> out, long start,
                     io.opentelemetry.context.Context trace) {
        synchronized (this) {
            if (closed || call.cancelled) {
                admission.leave();
                if (!call.cancelled) {
                    respondError(out, shuttingDown());
                }
                return;
            }
            running++;
        }
        // The session's span is a child of the OpenSession call's span, which the gRPC instrumentation made
        // current on the call's thread and openSession handed over.
        GenerationSession session = new GenerationSession(spec, resources, out, start, trace);
        active.add(session);
        call.session = session;
        if (call.cancelled) {
            session.stop("client cancelled", false);
        }
        try {
            session.run();
        } finally {
            active.remove(session);
            admission.leave();
            synchronized (this) {
                running--;
                notifyAll();
            }
        }
    }

    private Status shuttingDown() {
        return Status.UNAVAILABLE.withDescription("verifier " + resources.verifierId() + " is shutting down");
    }

    private static void respondError(StreamObserver<OpenSessionResponse> out, Status status) {
        try {
            out.onError(status.asRuntimeException());
        } catch (RuntimeException ignored) {
            // the call is already gone
        }
    }

    /** Sessions running now. */
    public synchronized int activeSessions() {
        return running;
    }

    /** Sessions waiting in the admission queue now. */
    public int queuedSessions() {
        return admission.waiting();
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
     * Refuses new sessions, sends the queued ones away and stops the running ones (their clients get UNAVAILABLE,
     * so a router can resume them elsewhere) and waits up to {@code waitMillis} for them to end.
     */
    public void shutdown(long waitMillis) {
        synchronized (this) {
            closed = true;
        }
        waiters.forEach(Thread::interrupt);
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
