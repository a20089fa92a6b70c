package dev.specula.drafter;

import dev.specula.proto.v1.DrafterServiceGrpc;
import dev.specula.rpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drafter over a real Netty port, and its failures at load time. */
class DrafterServerTest {

    @TempDir
    Path dir;

    @Test
    void create_onAFreePort_servesHealthAndPropose() throws Exception {
        Path model = TestModels.write(dir, 15);
        DrafterConfig config = DrafterConfig.builder().port(0).backend("naive")
                .model(DrafterConfig.ModelSpec.of("tiny", model)).build();
        try (DrafterServer server = DrafterServer.create(config).start()) {
            assertThat(server.port()).isPositive();
            ManagedChannel channel = Channels.plaintext("localhost:" + server.port());
            try {
                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.newBuilder().setService(DrafterServiceGrpc.SERVICE_NAME).build());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
                assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                        .setService(dev.specula.rpc.ServerHealth.READINESS).build()).getStatus())
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

                ProposeStream s = new ProposeStream();
                s.attach(DrafterServiceGrpc.newStub(channel).propose(s));
                s.open(DrafterHarness.openFor(new int[] {1, 2, 3}, 4, true).build());
                s.ready();
                assertThat(s.block().getTokensCount()).isEqualTo(4);
                s.halfClose();
                s.awaitCompleted();
            } finally {
                Channels.close(channel);
            }
            DrafterHarness.awaitTrue(() -> server.service().openSessions() == 0, "the session ended");
        }
    }

    @Test
    void constructor_missingModelFile_namesIt() {
        Path missing = dir.resolve("absent.gguf");
        DrafterConfig config = DrafterConfig.builder().backend("naive").model(DrafterConfig.ModelSpec.of("x", missing)).build();
        assertThatThrownBy(() -> DrafterServer.create(config)).hasMessageContaining(missing.toString());
    }
}
