package dev.specula.verifier.drafter;

import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.DraftReady;
import dev.specula.proto.v1.DrafterServiceGrpc;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.ProposeRequest;
import dev.specula.proto.v1.ProposeResponse;
import dev.specula.proto.v1.Verdict;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One session's Propose stream to a drafter: opens it, hands the session the blocks as they arrive, sends
 * verdicts, and ends it. The session thread polls and sends; {@link #cancel} may come from any thread.
 */
public final class DrafterLink {

    /** Something that arrived on the stream. */
    public sealed interface Event permits BlockArrived, Ended {
    }

    /** A block arrived. */
    public record BlockArrived(DraftBlock block) implements Event {
    }

    /** The stream ended or failed: {@code reason} says how ("failed with UNAVAILABLE: ..."). */
    public record Ended(String reason) implements Event {
    }

    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<DraftReady> ready = new CompletableFuture<>();
    private final ClientCallStreamObserver<ProposeRequest> requests;
    private volatile boolean ended;
    private boolean completed;

    private DrafterLink(Channel channel) {
        CompletableFuture<ClientCallStreamObserver<ProposeRequest>> started = new CompletableFuture<>();
        DrafterServiceGrpc.newStub(channel).propose(new ClientResponseObserver<ProposeRequest, ProposeResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ProposeRequest> requestStream) {
                started.complete(requestStream);
            }

            @Override
            public void onNext(ProposeResponse response) {
                switch (response.getMessageCase()) {
                    case READY -> {
                        if (!ready.complete(response.getReady())) {
                            end("sent ready twice");
                        }
                    }
                    case BLOCK -> {
                        if (!ready.isDone()) {
                            end("sent a block before ready");
                        } else {
                            events.add(new BlockArrived(response.getBlock()));
                        }
                    }
                    default -> end("sent an empty message");
                }
            }

            @Override
            public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                end((ready.isDone() ? "failed with " : "refused the session: ") + s.getCode()
                        + (s.getDescription() == null ? "" : ": " + s.getDescription()));
            }

            @Override
            public void onCompleted() {
                end("closed the stream");
            }
        });
        this.requests = started.join();
    }

    /**
     * Opens a stream on {@code channel}, sends {@code open} and waits up to {@code timeoutMs} for the drafter's
     * ready.
     *
     * @throws DrafterException if the drafter refused, failed or did not answer in time (the stream is
     *                          cancelled)
     */
    public static DrafterLink open(Channel channel, OpenDraft open, long timeoutMs) throws DrafterException {
        DrafterLink link = start(channel, open);
        link.awaitReady(timeoutMs);
        return link;
    }

    /** Opens a stream on {@code channel} and sends {@code open}, without waiting; see {@link #awaitReady}. */
    public static DrafterLink start(Channel channel, OpenDraft open) {
        DrafterLink link = new DrafterLink(channel);
        link.requests.onNext(ProposeRequest.newBuilder().setOpen(open).build());
        return link;
    }

    /**
     * Waits up to {@code timeoutMs} for the drafter's ready.
     *
     * @throws DrafterException if the drafter refused, failed, the link was cancelled, or no ready came in time
     *                          ({@link DrafterException#timedOut()}; the stream is then cancelled)
     */
    public void awaitReady(long timeoutMs) throws DrafterException {
        try {
            ready.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancel("no ready in time");
            throw new DrafterException("did not answer the open within " + timeoutMs + " ms", true);
        } catch (ExecutionException e) {
            cancel("refused");
            throw new DrafterException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            cancel("interrupted");
            Thread.currentThread().interrupt();
            throw new DrafterException("open interrupted");
        }
    }

    /** The drafter's answer to the open. */
    public DraftReady ready() {
        return ready.getNow(DraftReady.getDefaultInstance());
    }

    /** The next event, waiting up to {@code timeoutNanos}; null when none arrived in time. */
    public Event poll(long timeoutNanos) throws InterruptedException {
        return events.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
    }

    /** Sends a verdict (ignored once the stream has ended). */
    public void send(Verdict verdict) {
        if (!ended && !completed) {
            requests.onNext(ProposeRequest.newBuilder().setVerdict(verdict).build());
        }
    }

    /** Ends the stream normally: the session needs no more blocks. */
    public void complete() {
        if (!ended && !completed) {
            completed = true;
            requests.onCompleted();
        }
    }

    /** Cancels the stream (the drafter frees the session); wakes a session waiting in {@link #poll}. */
    public void cancel(String why) {
        requests.cancel(why, null); // allowed from any thread, also after onCompleted
        end("cancelled: " + why);
    }

    /** Whether the stream has ended or failed. */
    public boolean ended() {
        return ended;
    }

    private void end(String reason) {
        if (!ready.isDone()) {
            ready.completeExceptionally(new DrafterException(reason));
        }
        if (!ended) {
            ended = true;
            events.add(new Ended(reason));
        }
    }
}
