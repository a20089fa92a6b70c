package dev.specula.e2e;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the OpenAI-compatible HTTP API of the open router (java.net.http): bodies that are no JSON object,
 * fields of the wrong type or out of range, missing prompt or messages, more than one choice, an unknown route,
 * the wrong method, and a body over {@code http.maxBodyBytes}. Tokens and TLS of the HTTP API are not covered
 * here (not there yet).
 */
final class HostileHttpCases {

    private static final String SPECULATION_OFF = "\"specula\": {\"speculation\": \"off\"}";

    private HostileHttpCases() {
    }

    static List<HostileCase> cases(HttpClient http, String base) {
        String completions = base + "/v1/completions";
        String chat = base + "/v1/chat/completions";
        List<HostileCase> cases = new ArrayList<>();
        Post post = new Post(http, cases);
        post.add("malformed JSON", completions, "{\"prompt\": \"x\", ", 400, "body: not JSON");
        post.add("body a JSON array", completions, "[1, 2]", 400, "body: ARRAY");
        post.add("empty body", completions, "", 400, "body");
        post.add("body of malformed UTF-8", completions, new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, '"', '}'},
                400, "body: not JSON");
        post.add("completion without prompt", completions, "{\"max_tokens\": 4}", 400, "prompt");
        post.add("prompt a number", completions, "{\"prompt\": 42}", 400, "prompt");
        post.add("empty prompt", completions, completion("\"prompt\": \"\""), 400, "prompt");
        post.add("prompt over the context", completions,
                completion("\"prompt\": \"" + HostileFieldCases.PROMPT_OVER_CONTEXT + "\""), 400, "prompt");
        post.add("chat without messages", chat, "{\"max_tokens\": 4}", 400, "messages");
        post.add("chat with empty messages", chat, "{\"messages\": []}", 400, "messages");
        post.add("chat message not an object", chat, "{\"messages\": [\"hi\"]}", 400, "messages[0]");
        post.add("chat message with an image part", chat,
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}", 400, "messages[0].content");
        post.add("temperature a string", completions, completion("\"temperature\": \"hot\""), 400, "temperature");
        post.add("temperature negative", completions, completion("\"temperature\": -1"), 400, "temperature");
        post.add("temperature beyond float range", completions, completion("\"temperature\": 1e39"), 400, "temperature");
        post.add("top_p over 1", completions, completion("\"top_p\": 1.5"), 400, "top_p");
        post.add("top_k below -1", completions, completion("\"top_k\": -5"), 400, "top_k");
        post.add("max_tokens a fraction", completions, completion("\"max_tokens\": 2.5"), 400, "max_tokens");
        post.add("max_tokens over int range", completions, completion("\"max_tokens\": 3000000000"), 400, "max_tokens");
        post.add("max_tokens negative", completions, completion("\"max_tokens\": -3"), 400, "max_tokens");
        post.add("seed a string", completions, completion("\"seed\": \"abc\""), 400, "seed");
        post.add("stop a number", completions, completion("\"stop\": 42"), 400, "stop");
        post.add("9 stop sequences", completions,
                completion("\"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]"), 400, "stop");
        post.add("n 2", completions, completion("\"n\": 2"), 400, "\"param\":\"n\"");
        post.add("unknown model", completions, "{\"prompt\": \"x\", \"model\": \"no-such-model\"}", 404, "model");
        post.add("unknown speculation mode", completions, "{\"prompt\": \"x\", \"specula\": {\"speculation\": \"sideways\"}}",
                400, "specula.speculation");
        post.add("specula.language of 300 bytes", completions,
                "{\"prompt\": \"x\", \"specula\": {\"language\": \"" + "l".repeat(300) + "\"}}", 400, "specula.language");
        post.add("specula.domain of 300 bytes", completions,
                "{\"prompt\": \"x\", \"specula\": {\"domain\": \"" + "d".repeat(300) + "\"}}", 400, "specula.domain");
        post.add("body of 2 MiB", completions,
                "{\"prompt\": \"" + "a".repeat(2 * HostileFieldCases.MIB) + "\"}", 413, "maxBodyBytes");
        cases.add(new HostileCase("unknown route", "http", "HTTP 404", "no route",
                () -> HostileCalls.http(http, "GET", base + "/v1/nothing", null)));
        cases.add(new HostileCase("wrong method (GET /v1/completions)", "http", "HTTP 405", "(expected: POST)",
                () -> HostileCalls.http(http, "GET", completions, null)));
        cases.add(new HostileCase("wrong method (DELETE /v1/models)", "http", "HTTP 405", "(expected: GET)",
                () -> HostileCalls.http(http, "DELETE", base + "/v1/models", null)));
        return cases;
    }

    /** A small valid completion body with {@code field} added. */
    private static String completion(String field) {
        String maxTokens = field.startsWith("\"max_tokens\"") ? "" : "\"max_tokens\": 4, ";
        return "{\"prompt\": \"Once upon a time\", " + maxTokens + SPECULATION_OFF + ", " + field + "}";
    }

    private record Post(HttpClient http, List<HostileCase> cases) {
        void add(String name, String url, String body, int status, String mustContain) {
            add(name, url, body.getBytes(StandardCharsets.UTF_8), status, mustContain);
        }

        void add(String name, String url, byte[] body, int status, String mustContain) {
            cases.add(new HostileCase(name, "http", "HTTP " + status, mustContain,
                    () -> HostileCalls.http(http, "POST", url, body)));
        }
    }
}
