package dev.specula.cli;

import com.google.protobuf.util.JsonFormat;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Sampling;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/** {@code specula client}: streams one completion from a router to stdout. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Stream a completion from a Specula router (GenerationService.Generate) to stdout.")
final class ClientCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "localhost:50051", description = "Router address (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--prompt", required = true, description = "Prompt text.")
    String prompt;

    @Option(names = "--max-tokens", description = "Most tokens to generate (default: the router's).")
    Integer maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", description = "Nucleus sampling mass in (0, 1] (default: off).")
    Float topP;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--language", description = "ISO 639-1 language hint (default: detected by the router).")
    String language;

    @Option(names = "--drafter", description = "Drafter id to use instead of the route's.")
    String drafter;

    @Option(names = "--stop", description = "Stop sequence (repeatable).")
    List<String> stop;

    @Option(names = "--json", description = "Print one JSON object per event, the summary last.")
    boolean json;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token for a router with auth.tokensFile "
            + "(default: the environment variable " + TOKEN_ENV + "; prefer it or --token-file: other users can "
            + "read a command line).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File whose first line is the bearer token.")
    Path tokenFile;

    @Option(names = "--tls", description = "Speak TLS, trusting the JDK's CA roots; implied by --tls-ca and --tls-cert.")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "PEM bundle of the CAs the router's certificate must chain to.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM client certificate chain, for a router that asks for one (clientAuth).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PKCS#8 PEM key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--authority", paramLabel = "HOST", description = "Host name the router's certificate must "
            + "name, when it is not the host of --target (default: that host).")
    String authority;

    /** The environment variable read when neither --token nor --token-file is given. */
    static final String TOKEN_ENV = "SPECULA_API_TOKEN";

    /** The environment, replaced in tests. */
    UnaryOperator<String> environment = System::getenv;

    @Override
    public Integer call() {
        GenerateRequest.Builder request = GenerateRequest.newBuilder().setPrompt(prompt);
        Sampling.Builder sampling = Sampling.newBuilder().setTemperature(temperature).setSeed(seed);
        if (topP != null) {
            sampling.setTopP(topP);
        }
        request.setSampling(sampling);
        if (maxTokens != null) {
            request.setMaxTokens(maxTokens);
        }
        if (language != null) {
            request.setLanguage(language);
        }
        if (drafter != null) {
            request.setDrafter(drafter);
        }
        if (stop != null) {
            request.addAllStop(stop);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
        try (MeshClient client = new MeshClient(target, new MeshClient.Security(tls, tlsCa, tlsCert, tlsKey, authority,
                token()))) {
            MeshClient.Completion done = generate(client, request.build(), out, printer);
            if (!json) {
                out.println();
                System.err.println(describe(done.summary()));
            }
        }
        return 0;
    }

    /** The bearer token: --token, else the first line of --token-file, else {@value #TOKEN_ENV}; null for none. */
    String token() {
        if (token != null && tokenFile != null) {
            throw new IllegalArgumentException("--token, --token-file: both given (expected: one of them)");
        }
        if (token != null) {
            return token;
        }
        if (tokenFile != null) {
            try {
                return Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().map(String::strip)
                        .filter(line -> !line.isEmpty()).findFirst().orElseThrow(() -> new IllegalArgumentException(
                                "--token-file: " + tokenFile + " is empty (expected: the token on its first line)"));
            } catch (IOException e) {
                throw new IllegalArgumentException("--token-file: " + tokenFile + " cannot be read: " + e.getMessage(), e);
            }
        }
        String fromEnvironment = environment.apply(TOKEN_ENV);
        return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.strip();
    }

    private MeshClient.Completion generate(MeshClient client, GenerateRequest request, PrintStream out,
                                           JsonFormat.Printer printer) {
        try {
            return client.generate(request, event -> {
                if (json) {
                    out.println(print(printer, event));
                } else if (event.hasDelta()) {
                    out.print(event.getDelta().getText());
                    out.flush();
                }
            });
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                throw Status.UNAVAILABLE.withDescription("router at " + target + ": "
                        + e.getStatus().getDescription()).withCause(e).asRuntimeException();
            }
            throw e;
        }
    }

    private static String print(JsonFormat.Printer printer, com.google.protobuf.MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The summary in one line for stderr. */
    static String describe(GenerationSummary s) {
        return String.format("%d tokens, %.1f tok/s, ttft %.0f ms, route %s, drafter %s, acceptance %.2f, "
                        + "mean accepted length %.2f, finish %s%s", s.getCompletionTokens(), s.getTokensPerSecond(),
                s.getTimeToFirstTokenMs(), s.getRoute(), s.getDrafterId().isEmpty() ? "none" : s.getDrafterId(),
                s.getAcceptanceRate(), s.getMeanAcceptedLength(), s.getFinishReason().name()
                        .replace("FINISH_REASON_", "").toLowerCase(),
                s.getDrafterFallback().isEmpty() ? "" : ", fallback: " + s.getDrafterFallback());
    }
}
