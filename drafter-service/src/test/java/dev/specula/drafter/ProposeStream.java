package dev.specula.drafter;

import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.DraftReady;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.ProposeRequest;
import dev.specula.proto.v1.ProposeResponse;
import dev.specula.proto.v1.Verdict;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The verifier's end of one Propose stream, for tests: collects responses and sends open and verdicts. */
final class ProposeStream implements StreamObserver<ProposeResponse> {

    private static final long WAIT_SECONDS = 20;

    private final LinkedBlockingQueue<ProposeResponse> responses = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Throwable error;
    private volatile boolean completed;
    private ClientCallStreamObserver<ProposeRequest> requests;

    void attach(StreamObserver<ProposeRequest> requests) {
        this.requests = (ClientCallStreamObserver<ProposeRequest>) requests;
    }

    ProposeStream open(OpenDraft open) {
        requests.onNext(ProposeRequest.newBuilder().setOpen(open).build());
        return this;
    }

    void verdict(Verdict verdict) {
        requests.onNext(ProposeRequest.newBuilder().setVerdict(verdict).build());
    }

    /** Sends a verdict with these fields. */
    void verdict(int position, int epoch, int accepted, int nextToken, int draftLength) {
        verdict(Verdict.newBuilder().setPosition(position).setEpoch(epoch).setAccepted(accepted)
                .setNextToken(nextToken).setDraftLength(draftLength).build());
    }

    void send(ProposeRequest request) {
        requests.onNext(request);
    }

    void halfClose() {
        requests.onCompleted();
    }

    void cancel() {
        requests.cancel("test cancels", null);
    }

    /** The next response; fails the test after a long wait or when the stream ended instead. */
    ProposeResponse next() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            ProposeResponse r = responses.poll(10, TimeUnit.MILLISECONDS);
            if (r != null) {
                return r;
            }
            if (ended.getCount() == 0 && responses.isEmpty()) {
                fail("stream ended (" + (error != null ? Status.fromThrowable(error) : "completed") + ") while a response was expected");
            }
        }
        return fail("no response within " + WAIT_SECONDS + " s");
    }

    DraftReady ready() throws InterruptedException {
        ProposeResponse r = next();
        assertThat(r.hasReady()).as("ready expected, got %s", r).isTrue();
        return r.getReady();
    }

    DraftBlock block() throws InterruptedException {
        ProposeResponse r = next();
        assertThat(r.hasBlock()).as("block expected, got %s", r).isTrue();
        return r.getBlock();
    }

    /** Whether nothing arrives for {@code millis}. */
    boolean quietFor(long millis) throws InterruptedException {
        return responses.poll(millis, TimeUnit.MILLISECONDS) == null;
    }

    /** Waits for the stream to fail and returns its status; fails the test if it completes or stays open. */
    Status awaitError() throws InterruptedException {
        assertThat(ended.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("stream ended").isTrue();
        assertThat(error).as("stream failed (completed: %s)", completed).isNotNull();
        return Status.fromThrowable(error);
    }

    /** Waits for the stream to complete normally. */
    void awaitCompleted() throws InterruptedException {
        assertThat(ended.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("stream ended").isTrue();
        assertThat(error).as("stream error").isNull();
        assertThat(completed).isTrue();
    }

    @Override
    public void onNext(ProposeResponse value) {
        responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        ended.countDown();
    }

    @Override
    public void onCompleted() {
        completed = true;
        ended.countDown();
    }
}
