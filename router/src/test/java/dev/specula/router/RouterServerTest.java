package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.CommittedTokens;
import dev.specula.proto.v1.VerifierServiceGrpc;
import dev.specula.router.config.RouterConfig;
import dev.specula.rpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The router over real loopback sockets (Netty), in front of a TEST DOUBLE verifier that counts to n. */
class RouterServerTest {

    /** TEST DOUBLE of a verifier: streams tokens 1..max_tokens one per message, then a summary. */
    private static final class CountingVerifier extends VerifierServiceGrpc.VerifierServiceImplBase {
        @Override
        public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
            for (int t = 1; t <= request.getMaxTokens(); t++) {
                out.onNext(OpenSessionResponse.newBuilder().setCommitted(CommittedTokens.newBuilder()
                        .addTokenIds(t).setText(t + " ")).build());
            }
            out.onNext(OpenSessionResponse.newBuilder().setSummary(GenerationSummary.newBuilder()
                    .setCompletionTokens(request.getMaxTokens()).setVerifierId("counting")).build());
            out.onCompleted();
        }
    }

    @Test
    void netty_concurrentRequests_eachGetsItsWholeStream() throws Exception {
        Server verifier = NettyServerBuilder.forPort(0).addService(new CountingVerifier()).build().start();
        RouterConfig config = RouterConfig.builder().port(0).model("m", "localhost:" + verifier.getPort())
                .lowAccuracyDetection(true).build();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (RouterServer router = new RouterServer(config, RouterServer.netty(config.port())).start()) {
            assertThat(router.port()).isPositive();
            ManagedChannel channel = Channels.plaintext("localhost:" + router.port());
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                List<Future<List<GenerateResponse>>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = 50 + i;
                    Callable<List<GenerateResponse>> call = () -> {
                        List<GenerateResponse> responses = new ArrayList<>();
                        GenerationServiceGrpc.newBlockingStub(channel)
                                .generate(GenerateRequest.newBuilder().setPrompt("Hello there").setMaxTokens(n).build())
                                .forEachRemaining(responses::add);
                        return responses;
                    };
                    results.add(clients.submit(call));
                }
                for (int i = 0; i < results.size(); i++) {
                    List<GenerateResponse> responses = results.get(i).get();
                    List<Integer> tokens = responses.stream().filter(GenerateResponse::hasDelta)
                            .flatMap(r -> r.getDelta().getTokenIdsList().stream()).toList();
                    assertThat(tokens).hasSize(50 + i);
                    assertThat(tokens.getLast()).isEqualTo(50 + i);
                    assertThat(responses.getLast().getSummary().getRoute()).isEqualTo("en/general");
                    assertThat(responses.getLast().getSummary().getCompletionTokens()).isEqualTo(50 + i);
                }
            } finally {
                Channels.close(channel);
            }
        } finally {
            clients.shutdownNow();
            verifier.shutdownNow();
        }
    }

    @Test
    void auth_tokenRequiredOnGenerate_healthOpen_limitPerClient(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Server verifier = NettyServerBuilder.forPort(0).addService(new CountingVerifier()).build().start();
        java.nio.file.Path tokens = java.nio.file.Files.writeString(dir.resolve("tokens"), "alice secret-a\n");
        RouterConfig config = RouterConfig.builder().port(0).model("m", "localhost:" + verifier.getPort())
                .lowAccuracyDetection(true).auth(new dev.specula.rpc.security.AuthConfig(tokens))
                .limits(new dev.specula.rpc.security.ClientLimitsConfig(0, 2, 100, 600)).build();
        try (RouterServer router = RouterServer.onAddress(config, new java.net.InetSocketAddress("127.0.0.1", 0)).start()) {
            ManagedChannel channel = Channels.plaintext("localhost:" + router.port());
            try {
                assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                GenerateRequest request = GenerateRequest.newBuilder().setPrompt("Hello there").setMaxTokens(3).build();
                for (String header : new String[] {null, "Bearer secret-wrong"}) {
                    io.grpc.Metadata headers = new io.grpc.Metadata();
                    if (header != null) {
                        headers.put(dev.specula.rpc.security.BearerAuthInterceptor.AUTHORIZATION, header);
                    }
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GenerationServiceGrpc.newBlockingStub(channel)
                                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                                    .generate(request).forEachRemaining(r -> { }))
                            .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
                                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
                                assertThat(e.getStatus().getDescription()).doesNotContain("secret");
                            });
                }
                io.grpc.Metadata alice = new io.grpc.Metadata();
                alice.put(dev.specula.rpc.security.BearerAuthInterceptor.AUTHORIZATION, "Bearer secret-a");
                GenerationServiceGrpc.GenerationServiceBlockingStub stub = GenerationServiceGrpc.newBlockingStub(channel)
                        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(alice));
                List<GenerateResponse> responses = new ArrayList<>();
                stub.generate(request).forEachRemaining(responses::add);
                assertThat(responses.getLast().getSummary().getCompletionTokens()).isEqualTo(3);
                stub.generate(request).forEachRemaining(r -> { });
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.generate(request).forEachRemaining(r -> { }))
                        .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                                .isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED));
            } finally {
                Channels.close(channel);
            }
        } finally {
            verifier.shutdownNow();
        }
    }
}
