package dev.specula.drafter;

import dev.specula.proto.v1.ProposeResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The response side of one Propose stream, safe to use from any thread: gRPC observers must not be called
 * concurrently, and a session's loop and the gRPC threads that deliver its requests may both end the stream.
 * After the stream has ended (or the call was cancelled) everything sent is dropped.
 */
final class ResponseSender {

    private final StreamObserver<ProposeResponse> observer;
    private boolean ended;

    ResponseSender(StreamObserver<ProposeResponse> observer) {
        this.observer = observer;
    }

    /** Sends one message; false when the stream has already ended. */
    synchronized boolean send(ProposeResponse response) {
        if (ended) {
            return false;
        }
        try {
            observer.onNext(response);
            return true;
        } catch (RuntimeException e) {
            ended = true; // cancelled underneath us: nothing more can be sent
            return false;
        }
    }

    /** Ends the stream with {@code status}, unless it has ended already. */
    synchronized void fail(Status status) {
        if (!ended) {
            ended = true;
            try {
                observer.onError(status.asRuntimeException());
            } catch (RuntimeException ignored) {
                // already cancelled: the peer is gone
            }
        }
    }

    /** Ends the stream normally, unless it has ended already. */
    synchronized void complete() {
        if (!ended) {
            ended = true;
            try {
                observer.onCompleted();
            } catch (RuntimeException ignored) {
                // already cancelled: the peer is gone
            }
        }
    }

    /** Marks the stream ended without sending anything (the call was cancelled). */
    synchronized void cancelled() {
        ended = true;
    }

    synchronized boolean ended() {
        return ended;
    }
}
