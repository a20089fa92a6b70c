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
}
