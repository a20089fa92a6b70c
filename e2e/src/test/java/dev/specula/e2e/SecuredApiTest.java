package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.MeshClient;
import dev.specula.cli.MeshConfigs;
import dev.specula.cli.Role;
import dev.specula.cli.SpeculaMain;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.rpc.security.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mesh configured as in production (mutual TLS between services, TLS and bearer tokens on the router's gRPC and
 * HTTP APIs, through the services' own YAML), driven as users drive it: {@code specula client} with
 * {@code --tls-ca} and a token, and the official {@code openai} npm package over HTTPS with an API key (skipped
 * with the reason when node, npm or the package cannot be had).
 */
class SecuredApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "Debian is a free operating system";
    private static final int MAX_TOKENS = 12;
    private static final String TOKEN = "secret-alice-7f3a";

    @TempDir
    Path dir;

    /** The CLI's exit code, stdout and stderr. */
    private record Cli(int exitCode, String out, String err) {
    }

    @Test
    void tlsAndTokens_clientCommandAndOpenAiSdk_getTheSameCompletion_othersRefused() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        TestPki ca = TestPki.newCa("mesh");
        Path caFile = ca.writeCa(dir);
        TestPki.Issued client = ca.issue(dir, "client");
        Path tokens = Files.writeString(dir.resolve("api-tokens"), "alice " + TOKEN + "\n");
        Path tokenFile = Files.writeString(dir.resolve("alice-token"), TOKEN + "\n");
        Path wrongTokenFile = Files.writeString(dir.resolve("wrong-token"), "secret-guessed\n");

        Path configs = dir.resolve("configs");
        MeshConfigs ports = new MeshConfigs(MeshTlsTest.freePort(), MeshTlsTest.freePort(), MeshTlsTest.freePort(),
                MeshTlsTest.freePort(), MeshConfigs.MetricsPorts.NONE, tokens);
        ports.write(configs, models);
        MeshTlsTest.appendTls(MeshConfigs.drafterFile(configs), ca.issue(dir, "drafter"), caFile, "require");
        MeshTlsTest.appendTls(MeshConfigs.verifierFile(configs), ca.issue(dir, "verifier"), caFile, "require");
        // optional: clients may come without a certificate (a client whose certificate is of another CA sends none,
        // since the router asks for this CA's); mutual TLS that refuses strangers is MeshTlsTest's.
        MeshTlsTest.appendTls(MeshConfigs.routerFile(configs), ca.issue(dir, "router"), caFile, "optional");
        List<Role.Running> running = new ArrayList<>();
        try {
            running.add(Role.DRAFTER.start(MeshConfigs.drafterFile(configs), true));
            running.add(Role.VERIFIER.start(MeshConfigs.verifierFile(configs), true));
            running.add(Role.ROUTER.start(MeshConfigs.routerFile(configs), true));
            String target = "localhost:" + ports.routerPort();

            String expected;
            try (MeshClient direct = new MeshClient(target, new MeshClient.Security(false, caFile, null, null, null, TOKEN))) {
                expected = direct.generate(GenerateRequest.newBuilder().setPrompt(PROMPT).setMaxTokens(MAX_TOKENS)
                        .setSampling(Sampling.newBuilder().setTemperature(0)).build()).text();
            }
            assertThat(expected).isNotEmpty();

            Cli ok = cli("client", "--target", target, "--tls-ca", caFile.toString(), "--token", TOKEN,
                    "--prompt", PROMPT, "--max-tokens", String.valueOf(MAX_TOKENS));
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            assertThat(ok.out()).isEqualTo(expected + System.lineSeparator());
            Cli mutual = cli("client", "--target", "127.0.0.1:" + ports.routerPort(), "--authority", "localhost",
                    "--tls-ca", caFile.toString(), "--tls-cert", client.certFile().toString(), "--tls-key",
                    client.keyFile().toString(), "--token-file", tokenFile.toString(), "--prompt", PROMPT,
                    "--max-tokens", String.valueOf(MAX_TOKENS));
            assertThat(mutual.exitCode()).as(mutual.err()).isZero();
            assertThat(mutual.out()).isEqualTo(expected + System.lineSeparator());

            Cli noToken = cli("client", "--target", target, "--tls-ca", caFile.toString(), "--prompt", PROMPT,
                    "--max-tokens", "2");
            assertThat(noToken.exitCode()).isEqualTo(3);
            assertThat(noToken.err()).startsWith("specula client: UNAUTHENTICATED: missing or invalid bearer token");
            Cli wrongToken = cli("client", "--target", target, "--tls-ca", caFile.toString(), "--token-file",
                    wrongTokenFile.toString(), "--prompt", PROMPT, "--max-tokens", "2");
            assertThat(wrongToken.exitCode()).isEqualTo(3);
            assertThat(wrongToken.err()).contains("UNAUTHENTICATED").doesNotContain("secret-guessed");
            for (List<String> refused : List.of(
                    List.of("--token", TOKEN), // plaintext to the TLS port
                    List.of("--tls", "--token", TOKEN), // the JDK's roots do not know the mesh's CA
                    List.of("--tls-ca", caFile.toString(), "--authority", "elsewhere.example", "--token", TOKEN))) {
                List<String> args = new ArrayList<>(List.of("client", "--target", target, "--prompt", PROMPT,
                        "--max-tokens", "2"));
                args.addAll(refused);
                Cli failed = cli(args.toArray(String[]::new));
                assertThat(failed.exitCode()).as("%s: %s", refused, failed.err()).isEqualTo(3);
                assertThat(failed.err()).as("%s", refused).startsWith("specula client: UNAVAILABLE: router at ");
            }

            Path script = OpenAiApiTest.installOpenAiClient("secured-client.mjs");
            OpenAiApiTest.Run sdk = OpenAiApiTest.run(List.of("node", script.toAbsolutePath().toString(),
                            "https://localhost:" + ports.httpPort() + "/v1", TOKEN, PROMPT, String.valueOf(MAX_TOKENS)),
                    Map.of("NODE_EXTRA_CA_CERTS", caFile.toString()), 240);
            assertThat(sdk.exitCode()).as(sdk.output()).isZero();
            JsonNode out = JSON.readTree(sdk.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
            assertThat(out.get("completion").get("text").asString()).isEqualTo(expected);
            JsonNode wrongKey = out.get("wrongKey");
            assertThat(wrongKey.get("authenticationError").asBoolean()).as("%s", wrongKey).isTrue();
            assertThat(wrongKey.get("status").asInt()).isEqualTo(401);
            assertThat(wrongKey.get("code").asString()).isEqualTo("invalid_api_key");
            assertThat(wrongKey.get("message").asString()).doesNotContain("wrong-key");
        } finally {
            running.reversed().forEach(Role.Running::close);
        }
    }

    /** Runs the CLI in this JVM. */
    private static Cli cli(String... args) {
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter reported = new StringWriter();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            var cli = SpeculaMain.commandLine();
            cli.setErr(new PrintWriter(reported));
            int code = cli.execute(args);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), reported + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }
}
