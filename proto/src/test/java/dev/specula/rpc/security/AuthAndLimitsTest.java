package dev.specula.rpc.security;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bearer-token authentication and per-client limits, on the in-process transport with the health service as the guarded one. */
class AuthAndLimitsTest {

    @TempDir
    Path dir;

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    private void start(io.grpc.ServerInterceptor... interceptors) throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(health.getHealthService(), interceptors)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    private HealthGrpc.HealthBlockingStub stub(Metadata.Key<String> key, String value) {
        Metadata headers = new Metadata();
        if (value != null) {
            headers.put(key, value);
        }
        return HealthGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void bearer_missingOrWrongToken_unauthenticatedWithoutEcho_rightTokenServed() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "# clients\nalice s3cret-alice\nanonymous-token\n");
        start(new BearerAuthInterceptor(BearerTokens.load(file)));
        for (String header : new String[] {null, "Bearer wrong-guess-123", "Basic s3cret-alice", "s3cret-alice"}) {
            assertThatThrownBy(() -> stub(BearerAuthInterceptor.AUTHORIZATION, header).check(HealthCheckRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).isEqualTo(BearerAuthInterceptor.REFUSED)
                                .doesNotContain("wrong-guess").doesNotContain("s3cret");
                    });
        }
        assertThat(stub(BearerAuthInterceptor.AUTHORIZATION, "Bearer s3cret-alice")
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(stub(BearerAuthInterceptor.AUTHORIZATION, "bearer anonymous-token")
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void bearerTokens_fileChanged_isReadAgain() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), "alice old-token\n");
        BearerTokens tokens = BearerTokens.load(file);
        assertThat(tokens.clientOf("Bearer old-token")).contains("alice");
        Files.writeString(file, "alice new-token\nbob bobs-token\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Thread.sleep(1_100); // the file is checked at most once a second
        assertThat(tokens.clientOf("Bearer old-token")).isEmpty();
        assertThat(tokens.clientOf("Bearer bobs-token")).contains("bob");
        assertThat(tokens.clientOf("Bearer ")).isEmpty();
    }

    @Test
    void bearerTokens_absentFile_saysSo() {
        assertThatThrownBy(() -> BearerTokens.load(dir.resolve("absent")))
                .hasMessageStartingWith("tokensFile: ").hasMessageContaining("absent does not exist");
    }

    @Test
    void bearerTokens_emptyFile_namesTheField() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "# nobody\n");
        assertThatThrownBy(() -> BearerTokens.load(file)).hasMessageStartingWith("tokensFile: ").hasMessageContaining("no token");
    }

    @Test
    void limits_streamsPerClient_tripForThatClientOnly_andFreeOnCancel() throws IOException {
        ClientLimits limits = new ClientLimits(new ClientLimitsConfig(2, 0, 100, 600));
        start(limits, ClientIdentity.trustForwarded());
        List<AtomicReference<Throwable>> alice = new ArrayList<>();
        List<io.grpc.Context.CancellableContext> contexts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alice.add(watch("alice", contexts));
        }
        assertThat(alice.get(0).get()).isNull();
        assertThat(alice.get(1).get()).isNull();
        assertThat(Status.fromThrowable(alice.get(2).get()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Status.fromThrowable(alice.get(2).get()).getDescription()).contains("limits.maxStreamsPerClient").contains("2");
        assertThat(watch("bob", contexts).get()).isNull();
        assertThat(limits.openStreams()).isEqualTo(3);

        contexts.get(0).cancel(null); // one of alice's streams ends: she may open another
        assertThat(limits.openStreams()).isEqualTo(2);
        assertThat(watch("alice", contexts).get()).isNull();
        contexts.forEach(c -> c.cancel(null));
        assertThat(limits.openStreams()).isZero();
    }

    @Test
    void limits_requestRate_tripsForThatClientOnly() throws IOException {
        start(new ClientLimits(new ClientLimitsConfig(0, 3, 100, 600)), ClientIdentity.trustForwarded());
        for (int i = 0; i < 3; i++) {
            stub(ClientIdentity.FORWARDED, "alice").check(HealthCheckRequest.getDefaultInstance());
        }
        assertThatThrownBy(() -> stub(ClientIdentity.FORWARDED, "alice").check(HealthCheckRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("limits.requestsPerSecond");
                });
        assertThat(stub(ClientIdentity.FORWARDED, "bob").check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void limits_forwardedClientNotBelieved_withoutTrustForwarded() throws IOException {
        start(new ClientLimits(new ClientLimitsConfig(0, 1, 100, 600))); // as on the router's public port
        stub(ClientIdentity.FORWARDED, "alice").check(HealthCheckRequest.getDefaultInstance());
        assertThatThrownBy(() -> stub(ClientIdentity.FORWARDED, "bob").check(HealthCheckRequest.getDefaultInstance()))
                .as("a name the client picks does not get it a limit of its own")
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    /** Opens a health Watch stream (it stays open) as {@code client}; the reference holds its error, if any. */
    private AtomicReference<Throwable> watch(String client, List<io.grpc.Context.CancellableContext> contexts) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Metadata headers = new Metadata();
        headers.put(ClientIdentity.FORWARDED, client);
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        contexts.add(context);
        context.run(() -> HealthGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
                            error.set(t);
                        }
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        return error;
    }
}
