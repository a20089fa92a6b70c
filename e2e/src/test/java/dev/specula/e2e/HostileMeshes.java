package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.MeshConfigs;
import dev.specula.cli.Role;
import dev.specula.rpc.Channels;
import dev.specula.rpc.security.TestPki;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.rpc.security.TlsCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two meshes the hostile-request suite runs against, in this JVM (so that its heap is the mesh's), over real
 * TCP on loopback, configured through the services' own YAML files:
 * <ul>
 *   <li>the <b>open</b> mesh: plaintext drafter, verifier and router with the OpenAI HTTP API; its verifier serves
 *       {@value #OPEN_MAX_SESSIONS} session at a time with a queue of {@value #OPEN_MAX_QUEUED} for
 *       {@value #OPEN_QUEUE_WAIT_MS} ms, so that "verifier full" can be reached;</li>
 *   <li>the <b>secured</b> mesh: a verifier with mutual TLS and a router with TLS requiring client certificates
 *       (all from one CA), bearer tokens and per-client limits ({@value #MAX_STREAMS} streams,
 *       {@value #REQUESTS_PER_SECOND} requests per second). It has no drafter of its own (its requests do not
 *       speculate).</li>
 * </ul>
 */
final class HostileMeshes implements AutoCloseable {

    static final int OPEN_MAX_SESSIONS = 1;
    static final int OPEN_MAX_QUEUED = 1;
    static final int OPEN_QUEUE_WAIT_MS = 500;
    static final int MAX_STREAMS = 2;
    static final int REQUESTS_PER_SECOND = 8;

    final MeshConfigs open;
    final MeshConfigs secured;
    /** Bearer tokens of the secured router's clients: one client per concern, so their limits do not mix. */
    final String mainToken = token();
    final String streamsToken = token();
    final String rateToken = token();
    final String modelId;
    final TlsCredentials clientTls;
    final TlsCredentials strangerTls;
    final Path caFile;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final ManagedChannel openChannel;
    final ManagedChannel securedChannel;
    private final List<Role.Running> running = new ArrayList<>();

    private HostileMeshes(MeshConfigs open, MeshConfigs secured, String modelId, Path caFile, TlsCredentials clientTls,
                          TlsCredentials strangerTls) {
        this.open = open;
        this.secured = secured;
        this.modelId = modelId;
        this.caFile = caFile;
        this.clientTls = clientTls;
        this.strangerTls = strangerTls;
        this.openChannel = Channels.plaintext("localhost:" + open.routerPort());
        this.securedChannel = Channels.open("localhost:" + secured.routerPort(), clientTls.channelCredentials());
    }

    /** Writes both meshes' configuration into {@code dir} and starts them; every service is SERVING on return. */
    static HostileMeshes start(Path dir) throws IOException {
        DefaultModels models = TestMeshes.defaultModels();
        TestPki ca = TestPki.newCa("hostile-mesh");
        Path caFile = ca.writeCa(dir);
        TestPki.Issued verifierCert = ca.issue(dir, "verifier");
        TestPki.Issued routerCert = ca.issue(dir, "router");
        TestPki.Issued clientCert = ca.issue(dir, "client");
        TestPki.Issued strangerCert = TestPki.newCa("stranger-ca").issue(dir, "stranger");

        Path openDir = dir.resolve("open");
        MeshConfigs open = new MeshConfigs(freePort(), freePort(), freePort(), freePort());
        open.write(openDir, models);
        // Detection accuracy is not what this suite tests: trigram models start in a second, not in half a minute.
        append(MeshConfigs.routerFile(openDir), "lowAccuracyDetection: true\n");
        append(MeshConfigs.verifierFile(openDir), """
                maxSessions: %d
                maxQueuedSessions: %d
                maxQueueWaitMs: %d
                """.formatted(OPEN_MAX_SESSIONS, OPEN_MAX_QUEUED, OPEN_QUEUE_WAIT_MS));

        // The secured router's drafter entries point at the open drafter; its requests turn speculation off.
        Path securedDir = dir.resolve("secured");
        MeshConfigs secured = new MeshConfigs(open.drafterPort(), freePort(), freePort());
        secured.write(securedDir, models);
        appendTls(MeshConfigs.verifierFile(securedDir), verifierCert, caFile, "require");
        appendTls(MeshConfigs.routerFile(securedDir), routerCert, caFile, "require");

        TlsCredentials clientTls = TlsCredentials.open(new TlsConfig(clientCert.certFile(), clientCert.keyFile(), caFile,
                TlsConfig.ClientAuth.NONE, 60));
        TlsCredentials strangerTls = TlsCredentials.open(new TlsConfig(strangerCert.certFile(), strangerCert.keyFile(),
                caFile, TlsConfig.ClientAuth.NONE, 60));
        HostileMeshes meshes = new HostileMeshes(open, secured, MeshConfigs.modelId(models.target()), caFile, clientTls,
                strangerTls);
        Path tokens = securedDir.resolve("tokens.txt");
        Files.writeString(tokens, "main " + meshes.mainToken + "\nstreams " + meshes.streamsToken + "\nrate "
                + meshes.rateToken + "\n");
        append(MeshConfigs.routerFile(securedDir), """
                lowAccuracyDetection: true
                auth:
                  tokensFile: %s
                limits:
                  maxStreamsPerClient: %d
                  requestsPerSecond: %d
                """.formatted(tokens, MAX_STREAMS, REQUESTS_PER_SECOND));
        try {
            meshes.running.add(Role.DRAFTER.start(MeshConfigs.drafterFile(openDir), true));
            meshes.running.add(Role.VERIFIER.start(MeshConfigs.verifierFile(openDir), true));
            meshes.running.add(Role.ROUTER.start(MeshConfigs.routerFile(openDir), true));
            meshes.running.add(Role.VERIFIER.start(MeshConfigs.verifierFile(securedDir), true));
            meshes.running.add(Role.ROUTER.start(MeshConfigs.routerFile(securedDir), true));
        } catch (IOException | RuntimeException e) {
            meshes.close();
            throw e;
        }
        return meshes;
    }

    /** The open router's OpenAI API base URL ("http://localhost:port"). */
    String httpBase() {
        return "http://localhost:" + open.httpPort();
    }

    /** A new channel to the secured router with {@code credentials}; the caller closes it. */
    ManagedChannel securedChannel(ChannelCredentials credentials) {
        return Channels.open("localhost:" + secured.routerPort(), credentials);
    }

    @Override
    public void close() {
        Channels.close(openChannel);
        Channels.close(securedChannel);
        running.reversed().forEach(Role.Running::close);
        clientTls.close();
        strangerTls.close();
        http.close();
    }

    private static String token() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void appendTls(Path config, TestPki.Issued cert, Path caFile, String clientAuth) throws IOException {
        append(config, """
                tls:
                  certFile: %s
                  keyFile: %s
                  caFile: %s
                  clientAuth: %s
                """.formatted(cert.certFile(), cert.keyFile(), caFile, clientAuth));
    }

    private static void append(Path config, String yaml) throws IOException {
        Files.writeString(config, yaml, StandardOpenOption.APPEND);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
