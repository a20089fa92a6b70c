package dev.specula.router.http;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.rpc.security.ClientIdentity;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Generate call on the router's own service, read by the request's thread with a timeout, so that a
 * stream can probe its client while the mesh is busy; {@link #cancel} ends it (and the verifier's session).
 */
final class GenerationCall {

    /** The end of the stream in the queue. */
    private static final Object END = new Object();

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<GenerateRequest> call;
    private boolean ended;

    /**
     * Starts the call.
     *
     * @param client who the HTTP request comes from, forwarded for the service's per-client limits
     */
    GenerationCall(Channel channel, GenerateRequest request, String client) {
        Metadata headers = new Metadata();
        headers.put(ClientIdentity.FORWARDED, client);
        GenerationServiceGrpc.GenerationServiceStub stub = GenerationServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        stub.generate(request, new ClientResponseObserver<GenerateRequest, GenerateResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<GenerateRequest> requestStream) {
                call = requestStream;
            }

            @Override
            public void onNext(GenerateResponse value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable t) {
                events.add(Status.fromThrowable(t).asRuntimeException());
            }

            @Override
            public void onCompleted() {
                events.add(END);
            }
        });
    }

    /**
     * The next event: a response, or null when none came within the timeout.
     *
     * @return the event; {@link #ended()} tells whether the stream is over (then this returns null)
     * @throws StatusRuntimeException the status the call failed with
     */
    GenerateResponse next(long timeoutMillis) throws InterruptedException {
        if (ended) {
            return null;
        }
        Object event = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (event == END) {
            ended = true;
            return null;
        }
        if (event instanceof StatusRuntimeException e) {
            ended = true;
            throw e;
        }
        return (GenerateResponse) event;
    }

    /** Whether the stream is over. */
    boolean ended() {
        return ended;
    }

    /** Cancels the call unless it is over: the router cancels the verifier's session. */
    void cancel(String why) {
        ClientCallStreamObserver<GenerateRequest> current = call;
        if (current != null) {
            current.cancel(why, null);
        }
    }
}
