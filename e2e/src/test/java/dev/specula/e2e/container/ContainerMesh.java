package dev.specula.e2e.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mesh as containers of Specula's image on a Docker network of its own, configured as the Helm chart
 * configures it: two verifiers behind the network alias "verifier" and two drafters behind "drafter", which
 * the router and the verifiers reach as "dns:///" pools (Docker's DNS answers with every container of an
 * alias, as a headless Service does). Every container runs as in the chart: non-root, read-only root file
 * system, /tmp a tmpfs, a memory limit, its configuration mounted read-only.
 */
final class ContainerMesh implements AutoCloseable {

    /** The image the suite builds with docker/build-image.sh and runs. */
    static final String IMAGE = "specula:e2e";
    private static final Path CONFIGS = Path.of("target/container-mesh");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final Network network = Network.newNetwork();
    private final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();

    /** Why no container can run here, or null when a Docker engine answers. */
    static String unavailableReason() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "no Docker engine reachable (DOCKER_HOST or /var/run/docker.sock): the container suite needs "
                    + "one; .ci/run installs and starts dockerd";
        }
        return null;
    }

    /** Builds the image from the Maven build's output (cli/target); reused when its root file system is unchanged. */
    static void buildImage() throws IOException, InterruptedException {
        Process build = new ProcessBuilder("../docker/build-image.sh", "--no-build", "--tag", IMAGE)
                .redirectErrorStream(true).start();
        build.getOutputStream().close();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!build.waitFor(10, TimeUnit.MINUTES) || build.exitValue() != 0) {
            throw new IllegalStateException("docker/build-image.sh failed: " + output);
        }
    }

    /** Starts drafter-1, drafter-2, verifier-1, verifier-2 and the router, and waits until each listens. */
    static ContainerMesh start() throws IOException {
        Files.createDirectories(CONFIGS);
        Files.setPosixFilePermissions(CONFIGS, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("drafter.yaml", """
                port: 50053
                backend: vector
                models:
                  - {id: specula-drafter-general-kl, model: /opt/specula/models/specula-drafter-general-kl.gguf}
                """);
        for (String id : List.of("verifier-1", "verifier-2")) {
            // Generous deadlines: on a loaded CI machine a cold drafter may be slow to answer, and the
            // suite is about failures, not about falling back on slowness.
            write(id + ".yaml", """
                    id: %s
                    port: 50052
                    modelName: specula-target
                    model: /opt/specula/models/specula-target.gguf
                    backend: vector
                    blockDeadlineMs: 20000
                    drafterOpenTimeoutMs: 20000
                    """.formatted(id));
        }
        write("router.yaml", """
                port: 50051
                models: {specula-target: ["dns:///verifier:50052"]}
                drafters: [{id: specula-drafter-general-kl, targets: ["dns:///drafter:50053"]}]
                routes: {defaultDrafters: [specula-drafter-general-kl]}
                lowAccuracyDetection: true
                """);
        ContainerMesh mesh = new ContainerMesh();
        try {
            mesh.add("drafter-1", "drafter", "drafter.yaml", 1024);
            mesh.add("drafter-2", "drafter", "drafter.yaml", 1024);
            mesh.add("verifier-1", "verifier", "verifier-1.yaml", 1536);
            mesh.add("verifier-2", "verifier", "verifier-2.yaml", 1536);
            mesh.add("router", "router", "router.yaml", 1024);
            mesh.containers.values().parallelStream().forEach(GenericContainer::start);
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
        return mesh;
    }

    private void add(String name, String role, String config, long memoryMiB) {
        Path host = CONFIGS.resolve(config).toAbsolutePath();
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withNetworkAliases(role, name)
                .withCommand(role, "--config", "/etc/specula/" + role + ".yaml")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withTmpFs(Map.of("/tmp", "rw,size=256m"))
                        .withMemory(memoryMiB * 1024 * 1024)
                        .withBinds(new Bind(host.toString(), new Volume("/etc/specula/" + role + ".yaml"), AccessMode.ro)))
                .waitingFor(Wait.forLogMessage(".*serve " + role + ": listening on port.*\\n", 1)
                        .withStartupTimeout(START_TIMEOUT));
        if (role.equals("router")) {
            container.withExposedPorts(50051);
        }
        containers.put(name, container);
    }

    /** The router's address from the host. */
    String routerTarget() {
        GenericContainer<?> router = containers.get("router");
        return router.getHost() + ":" + router.getMappedPort(50051);
    }

    /** SIGKILLs a container (its process dies at once, as on a node failure). */
    void kill(String name) {
        docker().killContainerCmd(containers.get(name).getContainerId()).exec();
    }

    /** Starts a killed container again and waits until it listens once more. */
    void restart(String name) throws InterruptedException {
        GenericContainer<?> container = containers.get(name);
        int before = listeningLines(container);
        docker().startContainerCmd(container.getContainerId()).exec();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (listeningLines(container) <= before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": not listening " + START_TIMEOUT + " after the restart");
            }
            Thread.sleep(500);
        }
    }

    /**
     * Runs {@code command} once in a container of the image on the mesh's network, in place of the image's
     * entry point (as the Helm chart's test pod does), and returns its output; fails unless it exits with 0.
     */
    String runOnce(List<String> command) {
        try (GenericContainer<?> once = new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withEntrypoint(command.toArray(String[]::new)).withCmd(List.of());
                    cmd.getHostConfig().withReadonlyRootfs(true).withTmpFs(Map.of("/tmp", "rw,size=64m"));
                })
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(START_TIMEOUT))) {
            once.start();
            return once.getLogs();
        }
    }

    /** The container's log so far, for failure messages. */
    String logs(String name) {
        return containers.get(name).getLogs();
    }

    private static int listeningLines(GenericContainer<?> container) {
        return (int) container.getLogs().lines().filter(line -> line.contains(": listening on port")).count();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static void write(String name, String text) throws IOException {
        Path file = CONFIGS.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Removes every container and the network. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (GenericContainer<?> container : containers.values()) {
            try {
                container.stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        network.close();
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }
}
