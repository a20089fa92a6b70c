package dev.specula.cli;

import dev.specula.rpc.security.BearerTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code specula serve router|verifier|drafter --config FILE} and
 * {@code specula serve all [--port P] [--http-port H] [--metrics-port BASE] [--api-tokens FILE]}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run one service of the mesh, or the whole mesh on loopback (all).",
                "A service reads its YAML configuration (examples in config/); 'all' uses the model family in models/.",
                "Runs until stopped; SIGTERM shuts down gracefully."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ROLE", description = "router, verifier, drafter, or all.")
    String role;

    @Option(names = "--config", description = "The service's YAML configuration (not for 'all').")
    Path config;

    @Option(names = "--port", defaultValue = "50051", description = "For 'all': the router's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "For 'all': the router's OpenAI-compatible HTTP port; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "BASE",
            description = "For 'all': serve Prometheus metrics on loopback, the router on BASE, the verifier on BASE+1, "
                    + "the drafter on BASE+2 (/metrics); 0 (default) turns them off.")
    int metricsPort;

    @Option(names = "--processes", description = "For 'all': run each service in its own process.")
    boolean processes;

    @Option(names = "--api-tokens", paramLabel = "FILE", description = "For 'all': the router's gRPC and HTTP APIs "
            + "require a bearer token of FILE (one per line, or NAME TOKEN; re-read when it changes): its auth.tokensFile.")
    Path apiTokens;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        AutoCloseable running;
        if (role.equals("all")) {
            DefaultModels models = DefaultModels.find();
            if (httpPort < 0 || httpPort > 65_535) {
                throw new IllegalArgumentException("--http-port: " + httpPort + " (expected: 1..65535, or 0 for none)");
            }
            if (metricsPort < 0 || metricsPort > 65_533) {
                throw new IllegalArgumentException("--metrics-port: " + metricsPort
                        + " (expected: 1..65533, or 0 for none)");
            }
            if (apiTokens != null) {
                try { // refused here, named, rather than by a router process that would never become ready
                    BearerTokens.load(apiTokens);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--api-tokens: " + e.getMessage(), e);
                }
            }
            LocalMesh mesh = LocalMesh.startInTempDir(models, port, httpPort == 0 ? -1 : httpPort,
                    metricsPort == 0 ? -1 : metricsPort, apiTokens,
                    processes ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM,
                    step -> System.err.println("serve all: " + step));
            running = mesh;
            System.err.printf("serve all: mesh ready, router on localhost:%d%s%s%s (configs in %s); Ctrl-C or SIGTERM stops it%n",
                    port, httpPort == 0 ? "" : ", OpenAI-compatible HTTP on " + mesh.httpBaseUrl() + "/v1",
                    apiTokens == null ? "" : ", bearer tokens of " + apiTokens + " required",
                    metricsPort == 0 ? "" : ", Prometheus metrics on http://127.0.0.1:" + metricsPort + "/metrics (router), "
                            + (metricsPort + 1) + " (verifier), " + (metricsPort + 2) + " (drafter)",
                    mesh.workDir());
        } else {
            Role r = Role.of(role);
            if (config == null) {
                throw new IllegalArgumentException("--config: missing (expected: the " + role + "'s YAML file)");
            }
            Role.Running server = r.start(config, false);
            running = server;
            System.err.printf("serve %s: listening on port %d%n", role, server.port());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("serve " + role + ": shutting down");
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("serve " + role + ": " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
