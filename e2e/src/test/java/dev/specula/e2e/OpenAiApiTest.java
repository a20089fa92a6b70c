package dev.specula.e2e;

import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.cli.MeshConfigs;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.router.chat.ChatTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OpenAI-compatible HTTP API of a real mesh (router, verifier and drafter on loopback TCP), driven by the
 * official {@code openai} npm package (installed by this test into target/, not vendored; the test is skipped
 * with the reason when npm cannot install it) and by curl: greedy output equals the gRPC API's for the same
 * prompt, usage counts agree with the gRPC summary, streams carry the same text, and errors reach the SDK as
 * API errors with their status and param.
 */
class OpenAiApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "Debian is a free operating system";
    private static final int MAX_TOKENS = 24;
    private static final Path CLIENT_DIR = Path.of("target", "openai-client"); // tests run in e2e/

    @TempDir
    static Path work;

    private static LocalMesh mesh;
    private static MeshClient grpc;

    @BeforeAll
    static void start() throws Exception {
        mesh = LocalMesh.start(TestMeshes.defaultModels(), 0, 0, LocalMesh.Mode.ONE_JVM, work, step -> { });
        grpc = new MeshClient(mesh.routerTarget());
    }

    @AfterAll
    static void stop() {
        if (grpc != null) {
            grpc.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void openaiSdk_chatAndCompletions_matchTheGrpcApi() throws Exception {
        Path script = installOpenAiClient("client.mjs");
        Run run = run(List.of("node", script.toAbsolutePath().toString(), mesh.httpBaseUrl() + "/v1", PROMPT,
                String.valueOf(MAX_TOKENS)), 240);
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode out = JSON.readTree(run.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());

        String chatPrompt = ChatTemplate.defaultTemplate()
                .renderPrompt(List.of(Map.of("role", "user", "content", PROMPT)), true);
        MeshClient.Completion chatGrpc = grpc.generate(greedy(chatPrompt));
        MeshClient.Completion plainGrpc = grpc.generate(greedy(PROMPT));

        assertThat(chatGrpc.tokenIds()).as("a completion to compare").isNotEmpty();
        assertThat(plainGrpc.tokenIds()).as("a completion to compare").isNotEmpty();
        assertThat(out.get("models").get(0).asString()).isEqualTo(MeshConfigs.modelId(TestMeshes.defaultModels().target()));
        JsonNode chat = out.get("chat");
        assertThat(chat.get("text").asString()).isEqualTo(chatGrpc.text());
        assertThat(chat.get("usage").get("prompt_tokens").asInt()).isEqualTo(chatGrpc.summary().getPromptTokens());
        assertThat(chat.get("usage").get("completion_tokens").asInt()).isEqualTo(chatGrpc.tokenIds().size());
        assertThat(chat.get("usage").get("total_tokens").asInt())
                .isEqualTo(chatGrpc.summary().getPromptTokens() + chatGrpc.tokenIds().size());
        assertThat(chat.get("specula").get("route").asString()).isEqualTo(chatGrpc.summary().getRoute());
        assertThat(chat.get("specula").has("acceptance_rate")).isTrue();
        assertThat(out.get("chatStream").get("text").asString()).isEqualTo(chatGrpc.text());
        assertThat(out.get("chatStream").get("usage").get("completion_tokens").asInt()).isEqualTo(chatGrpc.tokenIds().size());
        assertThat(out.get("completion").get("text").asString()).isEqualTo(plainGrpc.text());
        assertThat(out.get("completion").get("usage").get("prompt_tokens").asInt()).isEqualTo(plainGrpc.summary().getPromptTokens());
        assertThat(out.get("completion").get("usage").get("completion_tokens").asInt()).isEqualTo(plainGrpc.tokenIds().size());
        assertThat(out.get("completionStream").get("text").asString()).isEqualTo(plainGrpc.text());

        assertApiError(out.get("badTemperature"), 400, "temperature");
        assertApiError(out.get("unknownModel"), 404, "model");
        assertApiError(out.get("twoChoices"), 400, "n");
    }

    @Test
    void curl_streamAndErrors_asOpenAiDescribesThem() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs /usr/bin/curl: absent, test skipped");
        String url = mesh.httpBaseUrl() + "/v1/completions";
        Run stream = run(List.of("curl", "-sSN", url, "-H", "Content-Type: application/json", "-d",
                "{\"prompt\": \"" + PROMPT + "\", \"temperature\": 0, \"max_tokens\": " + MAX_TOKENS + ", \"stream\": true}"), 120);
        Run whole = run(List.of("curl", "-sS", url, "-H", "Content-Type: application/json", "-d",
                "{\"prompt\": \"" + PROMPT + "\", \"temperature\": 0, \"max_tokens\": " + MAX_TOKENS + "}"), 120);
        Run refused = run(List.of("curl", "-sS", "-w", "\\n%{http_code}", url, "-H", "Content-Type: application/json",
                "-d", "{\"prompt\": \"x\", \"max_tokens\": -3}"), 60);

        assertThat(stream.exitCode()).as(stream.output()).isZero();
        List<String> data = stream.output().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        StringBuilder streamed = new StringBuilder();
        for (String event : data.subList(0, data.size() - 1)) {
            streamed.append(JSON.readTree(event).get("choices").get(0).get("text").asString());
        }
        String expected = grpc.generate(greedy(PROMPT)).text();
        assertThat(streamed.toString()).isEqualTo(expected);
        assertThat(JSON.readTree(whole.output()).get("choices").get(0).get("text").asString()).isEqualTo(expected);
        List<String> lines = refused.output().lines().toList();
        assertThat(lines.getLast()).isEqualTo("400");
        JsonNode error = JSON.readTree(lines.getFirst()).get("error");
        assertThat(error.get("param").asString()).isEqualTo("max_tokens");
        assertThat(error.get("message").asString()).startsWith("max_tokens: -3");
    }

    private static void assertApiError(JsonNode failure, int status, String param) {
        assertThat(failure.get("thrown").asBoolean()).as("%s", failure).isTrue();
        assertThat(failure.get("apiError").asBoolean()).as("an OpenAI.APIError: %s", failure).isTrue();
        assertThat(failure.get("status").asInt()).as("%s", failure).isEqualTo(status);
        assertThat(failure.get("param").asString()).as("%s", failure).isEqualTo(param);
    }

    private static GenerateRequest greedy(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(MAX_TOKENS)
                .setSampling(Sampling.newBuilder().setTemperature(0)).build();
    }

    /**
     * npm-installs the openai package into target/openai-client once, with the client script {@code name} (from
     * test resources openai-client/) beside it; skips the test when node, npm or the package is not to be had.
     */
    static Path installOpenAiClient(String name) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")) && Files.isExecutable(Path.of("/usr/bin/npm")),
                "needs node and npm in /usr/bin: absent, test skipped");
        Files.createDirectories(CLIENT_DIR);
        if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules/openai"))) {
            Run install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", CLIENT_DIR.toString(),
                    "openai"), 300);
            assumeTrue(install.exitCode() == 0, "npm install openai failed, test skipped: " + install.output());
        }
        Path script = CLIENT_DIR.resolve(name);
        try (InputStream in = OpenAiApiTest.class.getResourceAsStream("/openai-client/" + name)) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    record Run(int exitCode, String output) {
    }

    static Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        return run(command, Map.of(), timeoutSeconds);
    }

    /** Runs {@code command} with {@code environment} added to this process's, stdout and stderr together. */
    static Run run(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Run(-1, "timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
