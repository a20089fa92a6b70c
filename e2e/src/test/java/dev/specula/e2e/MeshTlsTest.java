package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.MeshConfigs;
import dev.specula.cli.Role;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.rpc.Channels;
import dev.specula.rpc.security.TestPki;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.rpc.security.TlsCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mesh with mutual TLS on every internal hop and TLS on the router's port, over real Netty TCP on loopback,
 * configured through the services' own YAML files: same output as the plaintext mesh, and the verifier and the
 * drafter refuse clients without a certificate from the mesh's CA.
 */
class MeshTlsTest {

    @TempDir
    Path dir;

    @Test
    void mutualTlsMesh_servesTheSameOutputAsPlaintext_andRefusesStrangers() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        TestPki ca = TestPki.newCa("mesh");
        Path caFile = ca.writeCa(dir);
        TestPki.Issued drafter = ca.issue(dir, "drafter");
        TestPki.Issued verifier = ca.issue(dir, "verifier");
        TestPki.Issued router = ca.issue(dir, "router");
        TestPki.Issued client = ca.issue(dir, "client");
        TestPki.Issued stranger = TestPki.newCa("other").issue(dir, "stranger");

        String prompt = "Debian is";
        List<Integer> plaintext = generate(dir.resolve("plain"), models, prompt);

        Path tlsDir = dir.resolve("tls");
        MeshConfigs ports = new MeshConfigs(freePort(), freePort(), freePort());
        ports.write(tlsDir, models);
        appendTls(MeshConfigs.drafterFile(tlsDir), drafter, caFile, "require");
        appendTls(MeshConfigs.verifierFile(tlsDir), verifier, caFile, "require");
        appendTls(MeshConfigs.routerFile(tlsDir), router, caFile, "none");
        List<Role.Running> running = new ArrayList<>();
        try (TlsCredentials clientTls = TlsCredentials.open(new TlsConfig(client.certFile(), client.keyFile(), caFile,
                TlsConfig.ClientAuth.NONE, 60));
             TlsCredentials strangerTls = TlsCredentials.open(new TlsConfig(stranger.certFile(), stranger.keyFile(),
                     caFile, TlsConfig.ClientAuth.NONE, 60))) {
            running.add(Role.DRAFTER.start(MeshConfigs.drafterFile(tlsDir), true));
            running.add(Role.VERIFIER.start(MeshConfigs.verifierFile(tlsDir), true));
            running.add(Role.ROUTER.start(MeshConfigs.routerFile(tlsDir), true));

            ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
            assertThat(stream(ports.routerPort(), noCertificate, prompt)).isEqualTo(plaintext); // clientAuth none
            assertThat(stream(ports.routerPort(), clientTls.channelCredentials(), prompt)).isEqualTo(plaintext);

            for (int port : new int[] {ports.verifierPort(), ports.drafterPort()}) {
                assertThat(healthCode(port, clientTls.channelCredentials())).isEqualTo(Status.Code.OK);
                assertThat(healthCode(port, noCertificate)).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(healthCode(port, strangerTls.channelCredentials())).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(healthCode(port, InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
            }
            assertThat(healthCode(ports.routerPort(), InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            running.reversed().forEach(Role.Running::close);
        }
    }

    /** Appends a {@code tls:} section to a service's YAML file. */
    static void appendTls(Path config, TestPki.Issued cert, Path caFile, String clientAuth) throws IOException {
        Files.writeString(config, """
                tls:
                  certFile: %s
                  keyFile: %s
                  caFile: %s
                  clientAuth: %s
                """.formatted(cert.certFile(), cert.keyFile(), caFile, clientAuth), StandardOpenOption.APPEND);
    }

    /** Starts a plaintext mesh in {@code workDir}, generates, stops it. */
    private static List<Integer> generate(Path workDir, DefaultModels models,
                                         String prompt) throws Exception {
        MeshConfigs ports = new MeshConfigs(freePort(), freePort(), freePort());
        ports.write(workDir, models);
        List<Role.Running> running = new ArrayList<>();
        try {
            running.add(Role.DRAFTER.start(MeshConfigs.drafterFile(workDir), true));
            running.add(Role.VERIFIER.start(MeshConfigs.verifierFile(workDir), true));
            running.add(Role.ROUTER.start(MeshConfigs.routerFile(workDir), true));
            return stream(ports.routerPort(), InsecureChannelCredentials.create(), prompt);
        } finally {
            running.reversed().forEach(Role.Running::close);
        }
    }

    /** The token ids of a greedy generation through the router. */
    private static List<Integer> stream(int port, ChannelCredentials credentials, String prompt) {
        ManagedChannel channel = Channels.open("localhost:" + port, credentials);
        try {
            List<Integer> tokens = new ArrayList<>();
            Iterator<GenerateResponse> events = GenerationServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .generate(GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(16).build());
            events.forEachRemaining(e -> {
                if (e.hasDelta()) {
                    tokens.addAll(e.getDelta().getTokenIdsList()); // steps vary with timing; the tokens may not
                }
            });
            return tokens;
        } finally {
            Channels.close(channel);
        }
    }

    private static Status.Code healthCode(int port, ChannelCredentials credentials) {
        ManagedChannel channel = Channels.open("localhost:" + port, credentials);
        try {
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            Channels.close(channel);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
