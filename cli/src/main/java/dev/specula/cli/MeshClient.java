package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.rpc.Channels;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.security.BearerAuthInterceptor;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/** A client of the router's GenerationService, as a user's own gRPC client would call it. */
public final class MeshClient implements AutoCloseable {

    /**
     * One finished generation.
     *
     * @param text     the completion's text
     * @param tokenIds its token ids in order
     * @param deltas   how many deltas carried it
     * @param summary  the final summary
     */
    public record Completion(String text, List<Integer> tokenIds, int deltas, GenerationSummary summary) {
    }

    /**
     * How to reach a secured router; every field optional.
     *
     * @param tls       whether to speak TLS; implied by {@code caFile} or {@code certFile}
     * @param caFile    PEM bundle of the CAs the router's certificate must chain to; null: the JDK's default roots
     * @param certFile  PEM client certificate chain for mutual TLS, with {@code keyFile}; null: none
     * @param keyFile   PKCS#8 PEM key of {@code certFile}
     * @param authority the host name the router's certificate must name, when it is not the target's host
     * @param token     the bearer token sent as {@code authorization: Bearer TOKEN}; null: none
     */
    public record Security(boolean tls, Path caFile, Path certFile, Path keyFile, String authority, String token) {

        /** Plaintext, no token. */
        public static final Security NONE = new Security(false, null, null, null, null, null);

        public Security {
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException(certFile == null
                        ? "--tls-key: given without --tls-cert (expected: both, for a client certificate)"
                        : "--tls-cert: given without --tls-key (expected: both, for a client certificate)");
            }
            tls = tls || caFile != null || certFile != null;
            if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
                throw new IllegalArgumentException("token (--token, --token-file or SPECULA_API_TOKEN): blank, or holds "
                        + "white space or non-ASCII characters (expected: the bearer token as issued)");
            }
        }

        private ChannelCredentials credentials() {
            if (!tls) {
                return InsecureChannelCredentials.create();
            }
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
            try {
                if (caFile != null) {
                    builder.trustManager(caFile.toFile());
                }
                if (certFile != null) {
                    builder.keyManager(certFile.toFile(), keyFile.toFile());
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("--tls-ca " + caFile + ", --tls-cert " + certFile + ", --tls-key "
                        + keyFile + ": cannot be read (expected: PEM files, the key PKCS#8): " + e.getMessage(), e);
            }
            return builder.build();
        }
    }

    private final ManagedChannel channel;
    private final GenerationServiceGrpc.GenerationServiceBlockingStub stub;

    /** Connects to a router at {@code target} ("host:port") in plaintext, without a token. */
    public MeshClient(String target) {
        this(target, Security.NONE);
    }

    /** Connects to a router at {@code target} ("host:port") as {@code security} says. */
    public MeshClient(String target, Security security) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("--target: empty (expected: host:port)");
        }
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, security.credentials())
                .defaultLoadBalancingPolicy("round_robin") // as Channels.open: every address the target resolves to
                .maxInboundMessageSize(ProtocolLimits.MAX_PUBLIC_MESSAGE_BYTES);
        if (security.authority() != null) {
            builder.overrideAuthority(security.authority());
        }
        this.channel = builder.build();
        GenerationServiceGrpc.GenerationServiceBlockingStub plain = GenerationServiceGrpc.newBlockingStub(channel);
        if (security.token() == null) {
            this.stub = plain;
        } else {
            Metadata headers = new Metadata();
            headers.put(BearerAuthInterceptor.AUTHORIZATION, "Bearer " + security.token());
            this.stub = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
    }

    /** Runs {@code request} to its end, passing every event to {@code onEvent} as it arrives. */
    public Completion generate(GenerateRequest request, Consumer<GenerateResponse> onEvent) {
        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        int deltas = 0;
        GenerationSummary summary = null;
        Iterator<GenerateResponse> events = stub.generate(request);
        while (events.hasNext()) {
            GenerateResponse event = events.next();
            onEvent.accept(event);
            if (event.hasDelta()) {
                deltas++;
                text.append(event.getDelta().getText());
                ids.addAll(event.getDelta().getTokenIdsList());
            } else if (event.hasSummary()) {
                summary = event.getSummary();
            }
        }
        if (summary == null) {
            throw new IllegalStateException("generation stream ended without a summary");
        }
        return new Completion(text.toString(), List.copyOf(ids), deltas, summary);
    }

    /** Runs {@code request} to its end. */
    public Completion generate(GenerateRequest request) {
        return generate(request, event -> { });
    }

    @Override
    public void close() {
        Channels.close(channel);
    }
}
