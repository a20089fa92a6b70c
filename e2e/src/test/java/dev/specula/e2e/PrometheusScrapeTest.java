package dev.specula.e2e;

import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.cli.MeshConfigs;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) scrapes the mesh as {@code serve all
 * --metrics-port} runs it: every service is up, and the accepted-token counter it stored agrees with the
 * summaries of the requests made.
 */
class PrometheusScrapeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final long WAIT_MS = 60_000;

    @TempDir
    Path work;

    @Test
    void mesh_scrapedByPrometheus_servicesUpAndAcceptedTokensEqualSummaries() throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        assumeTrue(prometheus.isPresent(), "no prometheus binary on PATH (Debian: apt-get install prometheus)");
        try (LocalMesh mesh = LocalMesh.start(TestMeshes.defaultModels(), 0, -1, 0, LocalMesh.Mode.ONE_JVM,
                work.resolve("mesh"), step -> { });
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            long accepted = 0;
            for (String prompt : List.of("Debian ist ein freies Betriebssystem, das", "The installer asks for")) {
                GenerationSummary summary = client.generate(GenerateRequest.newBuilder().setPrompt(prompt)
                        .setMaxTokens(16).setSampling(Sampling.newBuilder().setTemperature(0))
                        .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                                .setDraftLength(3))
                        .build()).summary();
                accepted += summary.getAcceptedTokens();
            }
            assertThat(accepted).as("the requests accepted drafts").isPositive();

            int port = freePort();
            Process server = startPrometheus(prometheus.get(), mesh.ports().metricsPorts(), port);
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
                JsonNode up = await(api + encode("up"), result -> result.size() == 3
                        && result.valueStream().allMatch(r -> r.get("value").get(1).asString().equals("1")));
                assertThat(up.valueStream().map(r -> r.get("metric").get("role").asString()))
                        .containsExactlyInAnyOrder("router", "verifier", "drafter");
                long expected = accepted;
                JsonNode total = await(api + encode("sum(specula_spec_decode_num_accepted_tokens_total)"),
                        result -> result.size() == 1
                                && Double.parseDouble(result.get(0).get("value").get(1).asString()) == expected);
                assertThat(Double.parseDouble(total.get(0).get("value").get(1).asString())).isEqualTo(expected);
            } finally {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
    }

    /** Prometheus on loopback scraping the three services every second, its storage and log under the test's folder. */
    private Process startPrometheus(Path binary, MeshConfigs.MetricsPorts ports, int port) throws IOException {
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: specula
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                        labels: {role: router}
                      - targets: ["127.0.0.1:%d"]
                        labels: {role: verifier}
                      - targets: ["127.0.0.1:%d"]
                        labels: {role: drafter}
                """.formatted(ports.router(), ports.verifier(), ports.drafter()));
        return new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    /** Queries until the result vector satisfies {@code done}; fails with the last answer after a minute. */
    private JsonNode await(String url, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                last = response.body();
                if (response.statusCode() == 200) {
                    JsonNode result = JSON.readTree(last).get("data").get("result");
                    if (done.test(result)) {
                        return result;
                    }
                }
            } catch (IOException notYet) {
                last = notYet.toString(); // Prometheus still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus query " + url + " not satisfied after " + WAIT_MS / 1000 + " s; last: "
                + last + " (log: " + work.resolve("prometheus.log") + ")");
    }

    private static String encode(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
            return dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
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
