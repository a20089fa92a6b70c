package dev.specula.router.http;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.router.RouterServer;
import dev.specula.router.ScriptedVerifier;
import dev.specula.router.config.HttpConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.rpc.Channels;
import dev.specula.rpc.security.AuthConfig;
import dev.specula.rpc.security.BearerAuthInterceptor;
import dev.specula.rpc.security.ClientLimitsConfig;
import dev.specula.rpc.security.TestPki;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.rpc.security.TlsCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP API with the router's {@code auth}, {@code limits} and {@code tls}, over real loopback sockets, in front
 * of a scripted verifier: tokens checked as on gRPC (401 without leaking what was sent, /health open), limits
 * counted together with gRPC (429), HTTPS with the router's certificate, reloaded without a restart.
 */
class OpenAiHttpSecurityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COMPLETION = "{\"prompt\": \"Hello there\", \"max_tokens\": 3}";
    private static final ScriptedVerifier.Script COUNTS_TO_THREE = ScriptedVerifier.Script.completes(new int[] {1, 2}, new int[] {3});

    @TempDir
    Path dir;

    @Test
    void auth_tokenRequiredExceptHealth_refusalLeaksNothing_limitsSharedWithGrpc() throws Exception {
        Server verifier = verifier(new ScriptedVerifier(COUNTS_TO_THREE), null);
        Path tokens = Files.writeString(dir.resolve("tokens"), "alice secret-a\nbob secret-b\n");
        RouterConfig config = config(verifier, tokens).limits(new ClientLimitsConfig(0, 2, 100, 600)).build();
        HttpClient http = HttpClient.newHttpClient();
        try (RouterServer router = RouterServer.onAddress(config, new InetSocketAddress("127.0.0.1", 0)).start()) {
            String base = "http://127.0.0.1:" + router.httpPort();
            assertThat(send(http, get(base + "/health", null)).statusCode()).isEqualTo(200);
            assertUnauthenticated(send(http, get(base + "/v1/models", null)), null);
            assertUnauthenticated(send(http, get(base + "/v1/no-such-route", null)), null);
            assertUnauthenticated(send(http, post(base + "/v1/completions", null)), null);
            assertUnauthenticated(send(http, post(base + "/v1/completions", "Bearer secret-guessed")), "secret-guessed");
            assertUnauthenticated(send(http, post(base + "/v1/completions", "Basic secret-a")), "secret-a");
            assertThat(send(http, get(base + "/v1/models", "Bearer secret-a")).statusCode()).isEqualTo(200);

            HttpResponse<String> done = send(http, post(base + "/v1/completions", "Bearer secret-a"));
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(JSON.readTree(done.body()).get("choices").get(0).get("text").asString()).isEqualTo("<1><2><3>");

            // alice's second generation this second goes over gRPC, her third over HTTP: the limit counts both.
            grpcGenerate(router.port(), "Bearer secret-a");
            HttpResponse<String> over = send(http, post(base + "/v1/completions", "Bearer secret-a"));
            assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
            JsonNode error = JSON.readTree(over.body()).get("error");
            assertThat(error.get("type").asString()).isEqualTo("rate_limit_error");
            assertThat(error.get("message").asString()).contains("limits.requestsPerSecond");
            assertThat(send(http, post(base + "/v1/completions", "Bearer secret-b")).statusCode())
                    .as("another client is not limited").isEqualTo(200);
        } finally {
            verifier.shutdownNow();
        }
    }

    @Test
    void limits_streamOpenOverGrpc_countsAgainstTheSameClientOverHttp() throws Exception {
        ScriptedVerifier sessions = new ScriptedVerifier(new ScriptedVerifier.Script(List.of(), null, null)); // stay open
        Server verifier = verifier(sessions, null);
        Path tokens = Files.writeString(dir.resolve("tokens"), "alice secret-a\n");
        RouterConfig config = config(verifier, tokens).limits(new ClientLimitsConfig(1, 0, 100, 600)).build();
        Context.CancellableContext open = Context.current().withCancellation();
        try (RouterServer router = RouterServer.onAddress(config, new InetSocketAddress("127.0.0.1", 0)).start()) {
            ManagedChannel channel = Channels.plaintext("localhost:" + router.port());
            try {
                open.run(() -> authorized(channel, "Bearer secret-a").generate(
                        GenerateRequest.newBuilder().setPrompt("Hello there").setMaxTokens(3).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(GenerateResponse value) {
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        }));
                for (long deadline = System.nanoTime() + 10_000_000_000L;
                     sessions.requests.isEmpty() && System.nanoTime() < deadline; Thread.sleep(20)) {
                    // until alice's gRPC stream has reached the verifier
                }
                assertThat(sessions.requests).hasSize(1);

                HttpResponse<String> over = send(HttpClient.newHttpClient(),
                        post("http://127.0.0.1:" + router.httpPort() + "/v1/completions", "Bearer secret-a"));
                assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
                assertThat(JSON.readTree(over.body()).get("error").get("message").asString())
                        .contains("limits.maxStreamsPerClient");
                assertThat(sessions.requests).as("the refused request reached no verifier").hasSize(1);
            } finally {
                open.cancel(null);
                Channels.close(channel);
            }
        } finally {
            verifier.shutdownNow();
        }
    }

    @Test
    void tls_httpsWithTheCa_plaintextAndStrangersFail_renewedCertificateServedWithoutRestart() throws Exception {
        TestPki ca = TestPki.newCa("mesh");
        Path caFile = ca.writeCa(dir);
        TestPki.Issued routerCert = ca.issue(dir, "router");
        TestPki.Issued verifierCert = ca.issue(dir, "verifier");
        Path tokens = Files.writeString(dir.resolve("tokens"), "alice secret-a\n");
        try (TlsCredentials verifierTls = TlsCredentials.open(new TlsConfig(verifierCert.certFile(),
                verifierCert.keyFile(), caFile, TlsConfig.ClientAuth.REQUIRE, 60))) {
            Server verifier = verifier(new ScriptedVerifier(COUNTS_TO_THREE), verifierTls);
            RouterConfig config = config(verifier, tokens).tls(new TlsConfig(routerCert.certFile(), routerCert.keyFile(),
                    caFile, TlsConfig.ClientAuth.NONE, 1)).build();
            try (RouterServer router = RouterServer.onAddress(config, new InetSocketAddress("127.0.0.1", 0)).start()) {
                String https = "https://localhost:" + router.httpPort();
                HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(caFile)).build();
                HttpResponse<String> done = send(trusting, post(https + "/v1/completions", "Bearer secret-a"));
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                assertThat(JSON.readTree(done.body()).get("choices").get(0).get("text").asString()).isEqualTo("<1><2><3>");
                assertUnauthenticated(send(trusting, post(https + "/v1/completions", "Bearer secret-guessed")),
                        "secret-guessed");
                assertThat(serial(send(trusting, get(https + "/health", null)))).isEqualTo(routerCert.certificate().getSerialNumber());

                assertThatThrownBy(() -> send(HttpClient.newHttpClient(), post(https + "/v1/completions", "Bearer secret-a")))
                        .as("a client that does not trust the mesh's CA").isInstanceOf(SSLHandshakeException.class);
                assertThatThrownBy(() -> send(HttpClient.newHttpClient(),
                        post("http://localhost:" + router.httpPort() + "/v1/completions", "Bearer secret-a")))
                        .as("plain HTTP to the HTTPS port").isInstanceOf(IOException.class);

                TestPki.Issued renewed = ca.issueTo(routerCert.certFile(), routerCert.keyFile(), "router");
                BigInteger served = null;
                for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
                    // A new client each time: a new connection, so a new handshake.
                    HttpClient fresh = HttpClient.newBuilder().sslContext(trusting(caFile)).build();
                    try {
                        served = serial(send(fresh, get(https + "/health", null)));
                    } catch (SSLHandshakeException e) {
                        // TestPki writes the certificate, then the key: a check between the two moves reads the
                        // new certificate with the old key, and handshakes fail until the next check (TlsCredentials).
                        continue;
                    }
                    if (served.equals(renewed.certificate().getSerialNumber())) {
                        break;
                    }
                }
                assertThat(served).as("the renewed certificate's serial").isEqualTo(renewed.certificate().getSerialNumber());
            } finally {
                verifier.shutdownNow();
            }
        }
    }

    private static void assertUnauthenticated(HttpResponse<String> response, String sent) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("invalid_api_key");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asString()).isEqualTo(BearerAuthInterceptor.REFUSED);
        if (sent != null) {
            assertThat(response.body()).doesNotContain(sent);
        }
    }

    private static RouterConfig.Builder config(Server verifier, Path tokens) {
        return RouterConfig.builder().port(0).model("m", "localhost:" + verifier.getPort()).lowAccuracyDetection(true)
                .auth(new AuthConfig(tokens)).http(new HttpConfig(0, 4096, Map.of()));
    }

    /** {@code verifier} on loopback TCP, TLS with {@code tls} (null: plaintext). */
    private static Server verifier(ScriptedVerifier verifier, TlsCredentials tls) throws IOException {
        return Grpc.newServerBuilderForPort(0, TlsCredentials.serverCredentials(tls)).addService(verifier).build().start();
    }

    private static GenerationServiceGrpc.GenerationServiceStub authorized(ManagedChannel channel, String authorization) {
        Metadata headers = new Metadata();
        headers.put(BearerAuthInterceptor.AUTHORIZATION, authorization);
        return GenerationServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static void grpcGenerate(int port, String authorization) {
        ManagedChannel channel = Channels.plaintext("localhost:" + port);
        try {
            Metadata headers = new Metadata();
            headers.put(BearerAuthInterceptor.AUTHORIZATION, authorization);
            GenerationServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .generate(GenerateRequest.newBuilder().setPrompt("Hello there").setMaxTokens(3).build())
                    .forEachRemaining(r -> { });
        } finally {
            Channels.close(channel);
        }
    }

    private static HttpRequest get(String uri, String authorization) {
        return request(uri, authorization).GET().build();
    }

    private static HttpRequest post(String uri, String authorization) {
        return request(uri, authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(COMPLETION)).build();
    }

    private static HttpRequest.Builder request(String uri, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static BigInteger serial(HttpResponse<?> response) throws Exception {
        return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    /** An SSLContext that trusts the certificates of {@code caFile} only. */
    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
