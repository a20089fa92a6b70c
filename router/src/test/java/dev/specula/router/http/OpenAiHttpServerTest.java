package dev.specula.router.http;

import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.router.RouterServer;
import dev.specula.router.config.DrafterConfig;
import dev.specula.router.config.HttpConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.config.RoutesConfig;
import dev.specula.router.ScriptedVerifier;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API in front of a router whose verifier is scripted: mapping, responses, streams, errors, cancellation. */
class OpenAiHttpServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String verifierName = InProcessServerBuilder.generateName();
    private final ScriptedVerifier verifier = new ScriptedVerifier(
            ScriptedVerifier.Script.completes(new int[] {1, 2}, new int[] {3}));
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private Server verifierServer;
    private RouterServer router;

    @BeforeEach
    void start() throws Exception {
        verifierServer = InProcessServerBuilder.forName(verifierName).directExecutor().addService(verifier).build().start();
        RouterConfig config = RouterConfig.builder().port(0).model("tiny", verifierName)
                .drafter(DrafterConfig.of("d-en", "drafter-en:50053"))
                .routes(new RoutesConfig(List.of("d-en"), Map.of(), Map.of()))
                .detectLanguages(List.of("en", "de")).lowAccuracyDetection(true)
                .http(new HttpConfig(0, 4096, Map.of()))
                .build();
        router = new RouterServer(config, InProcessServerBuilder.forName(InProcessServerBuilder.generateName()).directExecutor(),
                target -> {
                    ManagedChannel channel = InProcessChannelBuilder.forName(target).directExecutor().build();
                    channels.add(channel);
                    return channel;
                }).start();
    }

    @AfterEach
    void stop() {
        router.shutdown(1_000);
        channels.forEach(ManagedChannel::shutdownNow);
        verifierServer.shutdownNow();
    }

    @Test
    void models_modelWithoutTemplate_saysTheDefaultTemplateIsUsed() throws Exception {
        HttpResponse<String> response = get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode model = JSON.readTree(response.body()).get("data").get(0);
        assertThat(model.get("id").asString()).isEqualTo("tiny");
        assertThat(model.get("specula").get("chat_template").asString()).isEqualTo("default");
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void completion_fields_mapOntoTheGenerateRequest() throws Exception {
        HttpResponse<String> response = post("/v1/completions", """
                {"model": "tiny", "prompt": "Hello there", "max_tokens": 7, "temperature": 0.5, "top_p": 0.9,
                 "seed": 42, "stop": ["\\n\\n", "END"], "n": 1, "user": "u-1",
                 "specula": {"language": "de", "drafter": "d-en", "speculation": "fixed", "draft_length": 3}}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenSessionRequest session = verifier.requests.getFirst();
        assertThat(session.getPrompt()).isEqualTo("Hello there");
        assertThat(session.getMaxTokens()).isEqualTo(7);
        assertThat(session.getSampling().getTemperature()).isEqualTo(0.5f);
        assertThat(session.getSampling().getTopP()).isEqualTo(0.9f);
        assertThat(session.getSampling().getSeed()).isEqualTo(42);
        assertThat(session.getStopList()).containsExactly("\n\n", "END");
        assertThat(session.getSpeculation().getDraftLength()).isEqualTo(3);
        assertThat(session.getDrafter().getDrafterId()).isEqualTo("d-en");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("object").asString()).isEqualTo("text_completion");
        assertThat(body.get("choices").get(0).get("text").asString()).isEqualTo("<1><2><3>");
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(8);
        assertThat(body.get("specula").get("route").asString()).isEqualTo("de/general");
        assertThat(body.get("specula").get("drafter").asString()).isEqualTo("scripted-drafter");
        assertThat(body.get("specula").get("mean_accepted_length").asDouble()).isEqualTo(1.5);
    }

    @Test
    void chatStream_withIncludeUsage_sendsRoleDeltasFinishUsageAndDone() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", """
                {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                 "stream": true, "stream_options": {"include_usage": true}}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(verifier.requests.getFirst().getPrompt()).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        List<String> data = response.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(JSON::readTree).toList();
        assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").asString()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.stream().filter(c -> !c.get("choices").isEmpty())
                .forEach(c -> text.append(c.get("choices").get(0).get("delta").path("content").asString("")));
        assertThat(text.toString()).isEqualTo("<1><2><3>");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
        assertThat(finish.get("specula").get("acceptance_rate").asDouble()).isEqualTo(1 / 6.0);
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void errors_badInput_haveOpenAisShapeStatusAndParam() throws Exception {
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"temperature\": -1}"), 400, "temperature", "sampling.temperature");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"top_p\": 1.5}"), 400, "top_p", "sampling.top_p");
        assertError(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_completion_tokens\": 0}"),
                400, "max_completion_tokens", "max_tokens: 0");
        assertError(post("/v1/completions", "{\"prompt\": \"\"}"), 400, "prompt", "prompt: empty");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"n\": 2}"), 400, "n", "n: 2");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"stop\": [\"a\", \"\"]}"), 400, "stop", "stop[1]");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"specula\": {\"language\": \"xx\"}}"), 400, "specula.language", "language: 'xx'");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"temperature\": \"hot\"}"), 400, "temperature", "temperature: \"hot\"");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"specula\": {\"draft_length\": \"three\"}}"),
                400, "specula.draft_length", "specula.draft_length: \"three\"");
        assertError(post("/v1/completions", "{\"prompt\": \"x\", \"specula\": {\"draft_length\": 17}}"),
                400, "specula.draft_length", "speculation.draft_length: 17");
        assertError(post("/v1/chat/completions", "{\"messages\": []}"), 400, "messages", "messages");
        assertError(post("/v1/completions", "{\"prompt\": "), 400, null, "body: not JSON");
        assertError(post("/v1/completions", "{\"model\": \"gpt-9\", \"prompt\": \"x\"}"), 404, "model", "model: 'gpt-9'");
        assertError(post("/v1/completions", "{\"prompt\": \"" + "x".repeat(5000) + "\"}"), 413, null, "4096");
        assertError(get("/v1/nothing"), 404, null, "no route GET /v1/nothing");
        HttpResponse<String> wrongMethod = get("/v1/completions");
        assertError(wrongMethod, 405, null, "method GET on /v1/completions (expected: POST)");
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(verifier.requests).isEmpty();
    }

    @Test
    void errors_verifierFullOrGone_become429And503() throws Exception {
        verifier.script(ScriptedVerifier.Script.failsAfter(Status.RESOURCE_EXHAUSTED.withDescription("sessions: 4 running")));
        assertError(post("/v1/completions", "{\"prompt\": \"x\"}"), 429, null, "sessions: 4 running");

        verifierServer.shutdownNow().awaitTermination();
        assertError(post("/v1/completions", "{\"prompt\": \"x\"}"), 503, null, "no verifier could serve the request");
    }

    @Test
    void stream_clientDisconnects_cancelsTheVerifierSession() throws Exception {
        verifier.script(ScriptedVerifier.Script.hangsAfter(new int[] {1}));
        String body = "{\"prompt\": \"x\", \"stream\": true}";
        try (Socket socket = new Socket("localhost", router.httpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.contains("data: ")) {
                // headers, chunk sizes
            }
            assertThat(line).contains("<1>");
        }
        long deadline = System.currentTimeMillis() + 3 * OpenAiHttpServer.PROBE_MILLIS + 5_000;
        while (verifier.cancellations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(verifier.cancellations.get()).as("verifier sessions cancelled").isEqualTo(1);
    }

    private void assertError(HttpResponse<String> response, int status, String param, String messagePart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("message").asString()).contains(messagePart);
        assertThat(error.get("type").asString()).isNotEmpty();
        assertThat(error.has("code")).isTrue();
        if (param == null) {
            assertThat(error.get("param").isNull()).as("param of %s", error).isTrue();
        } else {
            assertThat(error.get("param").asString()).isEqualTo(param);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + router.httpPort() + path);
    }
}
