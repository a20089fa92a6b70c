package dev.specula.cli;

import dev.specula.rpc.Channels;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole mesh on loopback: a drafter, a verifier and a router with the default models, either as three
 * separate processes (what production looks like, and what lets a test kill the drafter) or as three real
 * TCP servers in this JVM.
 */
public final class LocalMesh implements AutoCloseable {

    /** Where the services run. */
    public enum Mode { PROCESSES, ONE_JVM }

    private static final long READY_TIMEOUT_MS = 120_000;

    private final MeshConfigs ports;
    private final List<Role.Running> inJvm = new ArrayList<>();
    private final Map<Role, Process> processes = new EnumMap<>(Role.class);
    private final Path workDir;
    private boolean ownsWorkDir;

    private LocalMesh(MeshConfigs ports, Path workDir) {
        this.ports = ports;
        this.workDir = workDir;
    }

    /**
     * Starts the mesh with its configuration files (and the processes' logs) in a new temporary folder,
     * deleted by {@link #close()}; kept when the start fails, for its logs.
     */
    public static LocalMesh startInTempDir(DefaultModels models, int routerPort, Mode mode, Consumer<String> progress)
            throws IOException {
        return startInTempDir(models, routerPort, -1, mode, progress);
    }

    /** As {@link #startInTempDir(DefaultModels, int, Mode, Consumer)}, the router serving HTTP on {@code httpPort}
     * (0 picks a free one, -1 none). */
    public static LocalMesh startInTempDir(DefaultModels models, int routerPort, int httpPort, Mode mode,
                                           Consumer<String> progress) throws IOException {
        return startInTempDir(models, routerPort, httpPort, -1, mode, progress);
    }

    /** As {@link #startInTempDir(DefaultModels, int, int, Mode, Consumer)}, every service serving Prometheus
     * metrics on loopback: the router on {@code metricsPort}, the verifier and the drafter on the next two (0
     * picks three free ports, -1 none). */
    public static LocalMesh startInTempDir(DefaultModels models, int routerPort, int httpPort, int metricsPort,
                                           Mode mode, Consumer<String> progress) throws IOException {
        return startInTempDir(models, routerPort, httpPort, metricsPort, "", null, mode, progress);
    }

    /** As {@link #startInTempDir(DefaultModels, int, int, int, Mode, Consumer)}, the router's gRPC and HTTP APIs
     * requiring the bearer tokens of {@code apiTokens} (null: none; see {@link MeshConfigs#apiTokens()}). */
    public static LocalMesh startInTempDir(DefaultModels models, int routerPort, int httpPort, int metricsPort,
                                           Path apiTokens, Mode mode, Consumer<String> progress) throws IOException {
        return startInTempDir(models, routerPort, httpPort, metricsPort, "", apiTokens, mode, progress);
    }

    /** As {@link #startInTempDir(DefaultModels, int, int, int, Mode, Consumer)}, every service pushing its traces
     * and metrics over OTLP/HTTP to {@code otlpEndpoint} ("http://host:4318"; empty for none). */
    public static LocalMesh startInTempDir(DefaultModels models, int routerPort, int httpPort, int metricsPort,
                                           String otlpEndpoint, Mode mode, Consumer<String> progress)
            throws IOException {
        return startInTempDir(models, routerPort, httpPort, metricsPort, otlpEndpoint, null, mode, progress);
    }

    private static LocalMesh startInTempDir(DefaultModels models, int routerPort, int httpPort, int metricsPort,
                                            String otlpEndpoint, Path apiTokens, Mode mode, Consumer<String> progress)
            throws IOException {
        LocalMesh mesh = start(models, routerPort, httpPort, metricsPort, otlpEndpoint, apiTokens, mode,
                Files.createTempDirectory("specula-mesh"), progress);
        mesh.ownsWorkDir = true;
        return mesh;
    }

    /**
     * Starts the mesh and waits until every service reports SERVING.
     *
     * @param routerPort the router's port; 0 picks a free one
     * @param workDir    where the configuration files (and the processes' logs) go
     * @param progress   told about each step
     */
    public static LocalMesh start(DefaultModels models, int routerPort, Mode mode, Path workDir,
                                  Consumer<String> progress) throws IOException {
        return start(models, routerPort, -1, mode, workDir, progress);
    }

    /** As {@link #start(DefaultModels, int, Mode, Path, Consumer)}, the router serving the OpenAI-compatible HTTP
     * API on {@code httpPort} (0 picks a free one, -1 none). */
    public static LocalMesh start(DefaultModels models, int routerPort, int httpPort, Mode mode, Path workDir,
                                  Consumer<String> progress) throws IOException {
        return start(models, routerPort, httpPort, -1, mode, workDir, progress);
    }

    /** As {@link #start(DefaultModels, int, int, Mode, Path, Consumer)}, every service serving Prometheus metrics
     * on loopback: the router on {@code metricsPort}, the verifier and the drafter on the next two (0 picks three
     * free ports, -1 none). */
    public static LocalMesh start(DefaultModels models, int routerPort, int httpPort, int metricsPort, Mode mode,
                                  Path workDir, Consumer<String> progress) throws IOException {
        return start(models, routerPort, httpPort, metricsPort, "", null, mode, workDir, progress);
    }

    private static LocalMesh start(DefaultModels models, int routerPort, int httpPort, int metricsPort,
                                   String otlpEndpoint, Path apiTokens, Mode mode, Path workDir,
                                   Consumer<String> progress) throws IOException {
        MeshConfigs.MetricsPorts metrics = metricsPort < 0 ? MeshConfigs.MetricsPorts.NONE
                : metricsPort == 0 ? new MeshConfigs.MetricsPorts(freePort(), freePort(), freePort())
                : MeshConfigs.MetricsPorts.from(metricsPort);
        MeshConfigs ports = new MeshConfigs(freePort(), freePort(), routerPort == 0 ? freePort() : routerPort,
                httpPort == 0 ? freePort() : httpPort, metrics, otlpEndpoint, apiTokens);
        ports.write(workDir, models);
        LocalMesh mesh = new LocalMesh(ports, workDir);
        try {
            mesh.startRole(Role.DRAFTER, MeshConfigs.drafterFile(workDir), ports.drafterPort(), mode, workDir, progress);
            mesh.startRole(Role.VERIFIER, MeshConfigs.verifierFile(workDir), ports.verifierPort(), mode, workDir, progress);
            mesh.startRole(Role.ROUTER, MeshConfigs.routerFile(workDir), ports.routerPort(), mode, workDir, progress);
        } catch (IOException | RuntimeException e) {
            mesh.close();
            throw e;
        }
        return mesh;
    }

    private void startRole(Role role, Path config, int port, Mode mode, Path workDir, Consumer<String> progress)
            throws IOException {
        progress.accept("starting " + role.cliName() + " on port " + port
                + (mode == Mode.PROCESSES ? " (own process)" : ""));
        if (mode == Mode.ONE_JVM) {
            inJvm.add(role.start(config, true));
        } else {
            Process process = new ProcessBuilder(javaCommand(role, config))
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve(role.cliName() + ".log").toFile())
                    .start();
            processes.put(role, process);
        }
        awaitServing(role, port);
    }

    private static List<String> javaCommand(Role role, Path config) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String heap = heapMegabytes(role) + "m";
        command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xss4m", "-XX:+UseParallelGC", "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "-Dspecula.home=" + DefaultModels.home(),
                "-cp", System.getProperty("java.class.path"), SpeculaMain.class.getName(),
                "serve", role.cliName(), "--config", config.toString()));
        return command;
    }

    /**
     * Each process's heap, fixed and touched at start: without a bound the JVM takes a quarter of the machine's memory
     * and its heap (so its resident memory) grows under load long after warm-up, though what it holds does not; a
     * fixed heap keeps resident memory flat, so growth means a leak. Sized for the family's models with every
     * session of the verifier's default maxSessions open (the router's language models take about 450 MB).
     */
    static int heapMegabytes(Role role) {
        return switch (role) {
            case ROUTER, VERIFIER -> 1024;
            case DRAFTER -> 512;
        };
    }

    private void awaitServing(Role role, int port) {
        ManagedChannel channel = Channels.plaintext("localhost:" + port);
        try {
            long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
            while (true) {
                try {
                    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(2, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance());
                    if (health.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                } catch (StatusRuntimeException notYet) {
                    // still starting
                }
                for (Map.Entry<Role, Process> p : processes.entrySet()) {
                    if (!p.getValue().isAlive()) {
                        throw new IllegalStateException(p.getKey().cliName() + " process exited with "
                                + p.getValue().exitValue() + " while " + role.cliName() + " was starting (logs: "
                                + workDir + ")");
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(role.cliName() + " not serving on port " + port + " after "
                            + READY_TIMEOUT_MS / 1000 + " s");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + role.cliName(), e);
        } finally {
            Channels.close(channel);
        }
    }

    /** The router's address, for clients. */
    public String routerTarget() {
        return "localhost:" + ports.routerPort();
    }

    /** The base URL of the router's OpenAI-compatible HTTP API ("http://localhost:8080"); null without one. */
    public String httpBaseUrl() {
        return ports.httpPort() < 0 ? null : "http://localhost:" + ports.httpPort();
    }

    /** Where the configuration files (and the processes' logs) are. */
    public Path workDir() {
        return workDir;
    }

    /** The ports in use. */
    public MeshConfigs ports() {
        return ports;
    }

    /** Each service's process id by role ("router", "verifier", "drafter"); empty in {@link Mode#ONE_JVM}. */
    public Map<String, Long> processIds() {
        Map<String, Long> ids = new LinkedHashMap<>();
        processes.forEach((role, process) -> ids.put(role.cliName(), process.pid()));
        return ids;
    }

    /** Kills the drafter process at once (SIGKILL), as a crash would. Only in {@link Mode#PROCESSES}. */
    public void killDrafter() {
        Process drafter = processes.get(Role.DRAFTER);
        if (drafter == null) {
            throw new IllegalStateException("the drafter runs in this JVM (expected: Mode.PROCESSES)");
        }
        drafter.destroyForcibly();
    }

    /** Stops the router, verifier and drafter in that order, gracefully (SIGTERM for processes). */
    @Override
    public void close() {
        inJvm.reversed().forEach(Role.Running::close);
        inJvm.clear();
        for (Process p : new ArrayList<>(processes.values()).reversed()) {
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        if (ownsWorkDir) {
            deleteQuietly(workDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is not worth failing a shutdown for
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
