package dev.specula.router.http;

import dev.specula.proto.v1.DescribeModelRequest;
import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.router.chat.ChatTemplates;
import dev.specula.router.config.HttpConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.proto.v1.VerifierServiceGrpc;
import dev.specula.rpc.ChannelPool;
import dev.specula.rpc.security.BearerTokens;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.rpc.security.TlsCredentials;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The OpenAI-compatible HTTP API of the router (Helidon SE web server, a virtual thread per request). Each
 * completion becomes one call of the router's own GenerationService over an in-process channel, so requests are
 * validated, routed and relayed exactly as gRPC clients' are; a status it answers becomes an OpenAI error
 * ({@link ApiError#fromStatus}). A client that goes away mid-stream cancels the call, which cancels the
 * verifier's session and frees its KV caches.
 *
 * <p>With the router's {@code auth}, every route but {@code GET /health} (left open for probes) requires a bearer
 * token ({@link HttpClients}); the client it names is forwarded to the service, whose per-client limits are the
 * gRPC port's. With the router's {@code tls}, the port serves HTTPS only, with the same certificate files: the
 * SSLContext's key and trust managers are the ones {@link TlsCredentials} reloads, so a renewed certificate is
 * served to new connections without a restart.
 */
public final class OpenAiHttpServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OpenAiHttpServer.class.getName());
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** An SSE comment: clients ignore it; writing it tells whether the client is still there. */
    private static final byte[] PROBE = ": probe\n\n".getBytes(StandardCharsets.US_ASCII);
    static final long PROBE_MILLIS = 1_000;
    private static final long DESCRIBE_TIMEOUT_SECONDS = 5;
    /** Each path served and its method, for the 405 answer to another method. */
    private static final Map<String, String> ROUTES = Map.of("/health", "GET", "/v1/models", "GET",
            "/v1/completions", "POST", "/v1/chat/completions", "POST");

    private final RouterConfig config;
    private final HttpConfig http;
    private final ChatTemplates templates;
    private final ChannelPool verifiers;
    private final Channel channel;
    private final long created = System.currentTimeMillis() / 1000;
    private final HttpClients clients;
    private final WebServer server;

    /**
     * @param config     the router's configuration; {@code config.http()} must be set
     * @param generation a channel to the router's own GenerationService (in process), which believes the client
     *                   name this server forwards
     * @param verifiers  the router's channels to verifiers, to ask a model's chat template of them
     * @param tokens     the bearer tokens every route but /health requires; null for none
     * @param tls        the router's TLS material, served as HTTPS; null for plaintext
     */
    public OpenAiHttpServer(RouterConfig config, Channel generation, ChannelPool verifiers, BearerTokens tokens,
                            TlsCredentials tls) {
        this.config = config;
        this.http = java.util.Objects.requireNonNull(config.http(), "config.http");
        this.verifiers = verifiers;
        this.templates = ChatTemplates.load(config.models().keySet(), http.chatTemplates(), this::describe);
        this.channel = generation;
        this.clients = new HttpClients(tokens);
        WebServerConfig.Builder builder = WebServer.builder();
        if (tls != null) {
            builder.tls(Tls.builder().sslContext(tls.sslContext()).clientAuth(switch (tls.config().clientAuth()) {
                case NONE -> TlsClientAuth.NONE;
                case OPTIONAL -> TlsClientAuth.OPTIONAL;
                case REQUIRE -> TlsClientAuth.REQUIRED;
            }).build());
        }
        this.server = builder
                .port(http.port())
                // Each stream event is a small write that must leave at once, not wait for the last one's ACK.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .shutdownHook(false)
                .routing(this::routes)
                .build();
    }

    private void routes(HttpRouting.Builder routing) {
        routing.get("/health", (req, res) -> json(res, 200, OpenAiJson.MAPPER.createObjectNode().put("status", "ok")))
                .get("/v1/models", guarded((req, res, client) -> json(res, 200, models())))
                .post("/v1/completions", guarded((req, res, client) -> complete(req, res, client, OpenAiJson.Kind.COMPLETION)))
                .post("/v1/chat/completions", guarded((req, res, client) -> complete(req, res, client, OpenAiJson.Kind.CHAT)))
                .any(guarded((req, res, client) -> {
                    String method = req.prologue().method().text();
                    String path = req.path().path();
                    String allowed = ROUTES.get(path);
                    if (allowed != null) { // a known path with another method: 405 (RFC 9110), not an unknown route
                        res.header("Allow", allowed);
                        error(res, new ApiError(405, "method " + method + " on " + path + " (expected: " + allowed
                                + ")", "invalid_request_error", null, "method_not_allowed"));
                        return;
                    }
                    error(res, new ApiError(404, "no route " + method + " " + path + " (expected: GET /v1/models, "
                            + "POST /v1/completions, POST /v1/chat/completions, GET /health)",
                            "invalid_request_error", null, "not_found"));
                }));
    }

    /** A route's handler, given the client the request comes from. */
    @FunctionalInterface
    private interface ClientHandler {
        void handle(ServerRequest req, ServerResponse res, String client);
    }

    /** {@code handler} behind the bearer token when {@code auth} is configured: refused with 401 otherwise. */
    private Handler guarded(ClientHandler handler) {
        return (req, res) -> {
            String client;
            try {
                client = clients.clientOf(req);
            } catch (ApiException e) {
                error(res, e.error());
                return;
            }
            handler.handle(req, res, client);
        };
    }

    /** Starts serving. */
    public OpenAiHttpServer start() {
        server.start();
        LOG.info(() -> "router HTTP (OpenAI-compatible) listening on port " + server.port());
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    private ObjectNode models() {
        ObjectNode list = OpenAiJson.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        config.models().forEach((name, targets) -> {
            ObjectNode specula = data.addObject().put("id", name).put("object", "model").put("created", created)
                    .put("owned_by", "specula")
                    .putObject("specula")
                    .put("default_model", name.equals(config.defaultModel()))
                    .put("verifiers", targets.size());
            try {
                boolean own = !templates.of(name).isDefault();
                specula.put("chat_template", own ? "model" : "default")
                        .put("chat_template_note", own ? "the model's tokenizer.chat_template"
                                : "the model has no chat template: messages are rendered as ChatML (<|im_start|>role\\ncontent<|im_end|>\\n)");
            } catch (StatusRuntimeException e) {
                specula.put("chat_template", "unknown")
                        .put("chat_template_note", "not known yet: " + e.getStatus().getDescription());
            }
        });
        return list;
    }

    /** The model's description from the first of its verifiers that answers; UNAVAILABLE when none does. */
    private DescribeModelResponse describe(String model) {
        Status last = Status.UNAVAILABLE.withDescription("no verifier configured");
        for (String target : config.models().get(model)) {
            try {
                return VerifierServiceGrpc.newBlockingStub(verifiers.get(target))
                        .withDeadlineAfter(DESCRIBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .describeModel(DescribeModelRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                last = e.getStatus();
            }
        }
        throw Status.UNAVAILABLE.withDescription("model " + model + ": no verifier told its chat template (last: "
                + last.getCode() + ": " + last.getDescription() + ")").asRuntimeException();
    }

    private void complete(ServerRequest req, ServerResponse res, String client, OpenAiJson.Kind kind) {
        OpenAiRequest request;
        try {
            JsonNode body = readBody(req);
            request = kind == OpenAiJson.Kind.CHAT
                    ? OpenAiRequest.chat(body, templates, config.defaultModel())
                    : OpenAiRequest.completion(body);
        } catch (ApiException e) {
            error(res, e.error());
            return;
        } catch (StatusRuntimeException e) { // the model's chat template could not be learned
            error(res, ApiError.fromStatus(e.getStatus(), "messages", "max_tokens"));
            return;
        }
        String id = kind.idPrefix + UUID.randomUUID().toString().replace("-", "");
        String model = request.model().isEmpty() ? config.defaultModel() : request.model();
        GenerationCall call = new GenerationCall(channel, request.generate(), client);
        try {
            GenerateResponse first = nextEvent(call);
            if (request.stream()) {
                stream(res, kind, request, id, model, first, call);
                return;
            }
            StringBuilder text = new StringBuilder();
            GenerationSummary summary = null;
            for (GenerateResponse event = first; event != null; event = nextEvent(call)) {
                if (event.hasDelta()) {
                    text.append(event.getDelta().getText());
                } else if (event.hasSummary()) {
                    summary = event.getSummary();
                }
            }
            if (summary == null) {
                error(res, new ApiError(500, "the generation ended without a summary", "server_error", null, null));
            } else {
                json(res, 200, OpenAiJson.response(kind, id, created(), model, text.toString(), summary));
            }
        } catch (StatusRuntimeException e) {
            error(res, ApiError.fromStatus(e.getStatus(), request.promptParam(), request.maxTokensParam()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            call.cancel("HTTP request ended"); // after the summary a no-op; otherwise it ends the generation
        }
    }

    /** The next event, however long it takes; null at the end. */
    private static GenerateResponse nextEvent(GenerationCall call) throws InterruptedException {
        GenerateResponse event = null;
        while (event == null && !call.ended()) {
            event = call.next(Long.MAX_VALUE);
        }
        return event;
    }

    /**
     * Server-sent events. The first event was awaited before the headers go out, so that a refused request gets
     * its HTTP status; after that an error is sent as an error event. While the mesh is silent the client is
     * probed with an SSE comment, so that a client gone away is noticed within {@link #PROBE_MILLIS}.
     */
    private void stream(ServerResponse res, OpenAiJson.Kind kind, OpenAiRequest request, String id, String model,
                        GenerateResponse first, GenerationCall call) throws InterruptedException {
        res.status(200).header("Content-Type", "text/event-stream; charset=utf-8").header("Cache-Control", "no-cache");
        long created = created();
        try (OutputStream out = res.outputStream()) {
            boolean opened = false;
            try {
                GenerateResponse event = first;
                while (event != null || !call.ended()) {
                    if (event == null) {
                        out.write(PROBE);
                        out.flush();
                    } else if (event.hasDelta()) {
                        if (!event.getDelta().getText().isEmpty() || !opened) {
                            send(out, OpenAiJson.chunk(kind, id, created, model, event.getDelta().getText(), !opened, null));
                            opened = true;
                        }
                    } else if (event.hasSummary()) {
                        GenerationSummary summary = event.getSummary();
                        send(out, OpenAiJson.finalChunk(kind, id, created, model, summary));
                        if (request.includeUsage()) {
                            send(out, OpenAiJson.usageChunk(kind, id, created, model, summary));
                        }
                    }
                    event = call.next(PROBE_MILLIS);
                }
            } catch (StatusRuntimeException e) {
                send(out, OpenAiJson.error(ApiError.fromStatus(e.getStatus(), request.promptParam(), request.maxTokensParam())));
            }
            out.write(DONE);
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            // The client went away: cancelling the call ends the session on the verifier (and the drafter).
            call.cancel("HTTP client disconnected");
            LOG.info(() -> String.format(Locale.ROOT, "%s: client disconnected mid-stream (%s); generation cancelled", id, e));
        }
    }

    private static void send(OutputStream out, ObjectNode event) throws IOException {
        out.write(("data: " + OpenAiJson.MAPPER.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private JsonNode readBody(ServerRequest req) {
        long limit = http.maxBodyBytes();
        if (req.headers().contentLength().orElse(0) > limit) {
            throw new ApiException(tooLarge(req.headers().contentLength().getAsLong(), limit));
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > limit) {
            throw new ApiException(tooLarge(bytes.length, limit));
        }
        try {
            JsonNode body = OpenAiJson.MAPPER.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw new ApiException(ApiError.invalid(null, "body: " + (body == null ? "empty" : body.getNodeType())
                        + " (expected: a JSON object)"));
            }
            return body;
        } catch (JacksonException e) {
            throw new ApiException(ApiError.invalid(null, "body: not JSON (" + e.getOriginalMessage() + ")"));
        }
    }

    private static ApiError tooLarge(long size, long limit) {
        return new ApiError(413, "body: " + size + " bytes (expected: at most " + limit + ", http.maxBodyBytes)",
                "invalid_request_error", null, "request_too_large");
    }

    private static long created() {
        return System.currentTimeMillis() / 1000;
    }

    private static void json(ServerResponse res, int status, ObjectNode body) {
        res.status(status).header("Content-Type", "application/json");
        res.send(OpenAiJson.MAPPER.writeValueAsBytes(body));
    }

    private static void error(ServerResponse res, ApiError error) {
        if (error.httpStatus() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer"); // RFC 6750: a 401 names the scheme it wants
        }
        json(res, error.httpStatus(), OpenAiJson.error(error));
    }
}
