package dev.specula.e2e;

import dev.specula.cli.DemoPrompts;
import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Side by side, interleaved: the same greedy completions streamed through the gRPC API and through the HTTP
 * API's server-sent events, on one mesh, alternating which goes first. Reports tokens/s (completion tokens over
 * the client's wall time) and time to first token as the client sees them. A benchmark, not a test: it runs
 * only with {@code -Dspecula.bench=true}, e.g.
 * {@code ./mvnw -pl e2e -am verify -Dtest=HttpStreamingBench
 * -Dspecula.bench=true -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dspecula.bench.rounds=N}, default 5;
 * {@code -Dspecula.bench.processes=true} runs each service in its own process).
 */
class HttpStreamingBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_TOKENS = 64;
    private static final int ROUNDS = Integer.getInteger("specula.bench.rounds", 5);

    @TempDir
    Path work;

    /** One measured request: completion tokens, ms to the first token, ms in all. */
    private record Sample(int tokens, double firstTokenMs, double totalMs) {
    }

    @Test
    void httpSse_againstGrpc_tokensPerSecondAndTimeToFirstToken() throws Exception {
        assumeTrue(Boolean.getBoolean("specula.bench"), "a benchmark: runs with -Dspecula.bench=true");
        List<String> prompts = DemoPrompts.ALL.stream().map(DemoPrompts.Prompt::text).toList();
        LocalMesh.Mode mode = Boolean.getBoolean("specula.bench.processes") ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM;
        try (LocalMesh mesh = LocalMesh.start(TestMeshes.defaultModels(), 0, 0, mode, work, step -> { });
             MeshClient grpc = new MeshClient(mesh.routerTarget())) {
            HttpClient http = HttpClient.newHttpClient();
            String url = mesh.httpBaseUrl() + "/v1/completions";
            for (String prompt : prompts.subList(0, 2)) { // warm-up: JIT, connections, the router's learning
                viaGrpc(grpc, prompt);
                viaHttp(http, url, prompt);
            }
            List<Sample> grpcSamples = new ArrayList<>();
            List<Sample> httpSamples = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (String prompt : prompts) {
                    if (round % 2 == 0) {
                        grpcSamples.add(viaGrpc(grpc, prompt));
                        httpSamples.add(viaHttp(http, url, prompt));
                    } else {
                        httpSamples.add(viaHttp(http, url, prompt));
                        grpcSamples.add(viaGrpc(grpc, prompt));
                    }
                }
            }
            report("gRPC", grpcSamples);
            report("HTTP SSE", httpSamples);
            double ratio = tokensPerSecond(httpSamples) / tokensPerSecond(grpcSamples);
            double ttftDelta = median(httpSamples.stream().map(Sample::firstTokenMs))
                    - median(grpcSamples.stream().map(Sample::firstTokenMs));
            System.out.printf(Locale.ROOT, "HTTP SSE / gRPC tokens/s: %.3fx; median TTFT difference (HTTP - gRPC): %+.2f ms"
                    + " (%d requests each, %d rounds interleaved, mesh %s)%n", ratio, ttftDelta, grpcSamples.size(), ROUNDS, mode);
            assertThat(httpSamples.stream().mapToInt(Sample::tokens).sum())
                    .isEqualTo(grpcSamples.stream().mapToInt(Sample::tokens).sum());
        }
    }

    private static Sample viaGrpc(MeshClient grpc, String prompt) {
        long start = System.nanoTime();
        long[] first = {-1};
        MeshClient.Completion done = grpc.generate(GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(MAX_TOKENS)
                .setSampling(Sampling.newBuilder().setTemperature(0)).build(), (GenerateResponse event) -> {
            // The first text, as for HTTP (a token that is part of a character has none yet).
            if (first[0] < 0 && event.hasDelta() && !event.getDelta().getText().isEmpty()) {
                first[0] = System.nanoTime();
            }
        });
        long end = System.nanoTime();
        return new Sample(done.tokenIds().size(), (first[0] - start) / 1e6, (end - start) / 1e6);
    }

    private static Sample viaHttp(HttpClient http, String url, String prompt) throws Exception {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("prompt", prompt).put("max_tokens", MAX_TOKENS)
                .put("temperature", 0).put("stream", true).set("stream_options",
                        JSON.createObjectNode().put("include_usage", true)));
        long start = System.nanoTime();
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofLines());
        long first = -1;
        int tokens = -1;
        Iterator<String> lines = response.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring(6));
            if (first < 0 && !chunk.get("choices").isEmpty() && !chunk.get("choices").get(0).get("text").asString().isEmpty()) {
                first = System.nanoTime();
            }
            if (chunk.has("usage")) {
                tokens = chunk.get("usage").get("completion_tokens").asInt();
            }
        }
        long end = System.nanoTime();
        return new Sample(tokens, (first - start) / 1e6, (end - start) / 1e6);
    }

    private static double tokensPerSecond(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::tokens).sum() / (samples.stream().mapToDouble(Sample::totalMs).sum() / 1000);
    }

    private static double median(Stream<Double> values) {
        List<Double> sorted = values.sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void report(String api, List<Sample> samples) {
        System.out.printf(Locale.ROOT, "%-8s: %.1f tokens/s overall, median TTFT %.2f ms, median request %.1f ms%n", api,
                tokensPerSecond(samples), median(samples.stream().map(Sample::firstTokenMs)),
                median(samples.stream().map(Sample::totalMs)));
    }
}
