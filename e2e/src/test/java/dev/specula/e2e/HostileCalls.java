package dev.specula.e2e;

import dev.specula.e2e.HostileCase.Outcome;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The ways the suite sends requests, each reporting an {@link Outcome}. */
final class HostileCalls {

    static final long DEADLINE_SECONDS = 60;

    private HostileCalls() {
    }

    /** A Generate call drained to its end: {@code OK} with the summary's route and tokens, or the status. */
    static Outcome generate(Channel channel, GenerateRequest request) {
        return generate(channel, request, null);
    }

    /** As {@link #generate(Channel, GenerateRequest)}, with {@code authorization} sent when not null. */
    static Outcome generate(Channel channel, GenerateRequest request, String authorization) {
        try {
            Completion completion = complete(channel, request, authorization);
            return new Outcome("OK", completion.describe());
        } catch (StatusRuntimeException e) {
            return of(e.getStatus());
        }
    }

    /** The token ids and summary of a generation; throws its status. */
    static Completion complete(Channel channel, GenerateRequest request, String authorization) {
        var stub = GenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        if (authorization != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        List<Integer> tokens = new ArrayList<>();
        GenerationSummary summary = null;
        Iterator<GenerateResponse> events = stub.generate(request);
        while (events.hasNext()) {
            GenerateResponse event = events.next();
            if (event.hasDelta()) {
                tokens.addAll(event.getDelta().getTokenIdsList());
            } else if (event.hasSummary()) {
                summary = event.getSummary();
            }
        }
        return new Completion(tokens, summary);
    }

    /** A finished generation. */
    record Completion(List<Integer> tokenIds, GenerationSummary summary) {
        String describe() {
            return summary == null ? "no summary" : "route=" + summary.getRoute() + " tokens=" + tokenIds.size()
                    + " finish=" + summary.getFinishReason();
        }
    }

    /** Generate with {@code bytes} as the request message, unparsed: what a broken or hostile client can send. */
    static Outcome raw(Channel channel, byte[] bytes) {
        MethodDescriptor<byte[], GenerateResponse> method = GenerationServiceGrpc.getGenerateMethod()
                .toBuilder(BYTES, GenerationServiceGrpc.getGenerateMethod().getResponseMarshaller()).build();
        try {
            Iterator<GenerateResponse> events = ClientCalls.blockingServerStreamingCall(channel, method,
                    CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), bytes);
            events.forEachRemaining(e -> { });
            return new Outcome("OK", "served");
        } catch (StatusRuntimeException e) {
            return of(e.getStatus());
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** An HTTP request to the OpenAI API: {@code HTTP nnn} and the body. */
    static Outcome http(HttpClient client, String method, String url, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(DEADLINE_SECONDS))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Outcome("HTTP " + response.statusCode(), response.body());
    }

    /** The readiness health check of the server at {@code channel}: its status's name, or the call's code. */
    static String readiness(Channel channel) {
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("readiness").build());
            return health.getStatus().name();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    /** A health check over {@code channel}, which the caller closes: the outcome of a TLS handshake. */
    static Outcome handshake(ManagedChannel channel) {
        try {
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return new Outcome("OK", "handshake succeeded");
        } catch (StatusRuntimeException e) {
            return of(e.getStatus());
        }
    }

    static Outcome of(Status status) {
        return new Outcome(status.getCode().name(), String.valueOf(status.getDescription()));
    }

    /**
     * A Generate call whose client reads nothing until told to: it asks the transport for no message, so what the
     * server sends piles up in flow control. Events go to a queue once {@link #read()} is called.
     */
    static final class StalledCall {
        private final ClientCall<GenerateRequest, GenerateResponse> call;
        private final LinkedBlockingQueue<GenerateResponse> events = new LinkedBlockingQueue<>();
        private final CompletableFuture<Status> closed = new CompletableFuture<>();

        StalledCall(Channel channel, GenerateRequest request, String authorization) {
            call = channel.newCall(GenerationServiceGrpc.getGenerateMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
            Metadata headers = new Metadata();
            if (authorization != null) {
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
            }
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(GenerateResponse message) {
                    events.add(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, headers);
            call.sendMessage(request);
            call.halfClose();
        }

        /** Starts reading: every event the server sent, and the rest as it comes. */
        void read() {
            call.request(Integer.MAX_VALUE);
        }

        /** Waits for the first event (reading one message); false if the call ended or nothing came in time. */
        boolean awaitFirst(long millis) throws InterruptedException {
            call.request(1);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < deadline && !closed.isDone()) {
                if (events.poll(50, TimeUnit.MILLISECONDS) != null) {
                    return true;
                }
            }
            return events.poll() != null;
        }

        /** The call's status if it has ended, for reports. */
        String state() {
            return closed.isDone() ? closed.join().getCode() + ": " + closed.join().getDescription() : "open";
        }

        /** The call's final status, waiting at most {@code millis}; null if it has not ended. */
        Status awaitClose(long millis) throws Exception {
            try {
                return closed.get(millis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return null;
            }
        }

        /** The summary among the events read so far, or null. */
        GenerationSummary summary() {
            return events.stream().filter(GenerateResponse::hasSummary).map(GenerateResponse::getSummary)
                    .findFirst().orElse(null);
        }

        void cancel() {
            call.cancel("the test is done with it", null);
        }
    }
}
