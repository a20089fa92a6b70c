package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code specula demo}: starts the mesh on loopback, runs the built-in multilingual prompts through the
 * router as a client would, once with speculation and once on the target alone, and prints what each did.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the built-in multilingual prompts through a mesh on loopback and print what each did.",
                "Starts router, verifier and drafter, runs every prompt speculative and then target-only (for the",
                "speedup), prints a table per prompt and totals, and shuts down."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--max-tokens", defaultValue = "128", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--one-jvm", description = "Run the three services in this JVM (real TCP servers) instead of processes.")
    boolean oneJvm;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens: " + maxTokens + " (expected: > 0)");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        DefaultModels models = DefaultModels.find();
        System.err.println("demo: models " + models.target().getParent() + ": target " + models.target().getFileName()
                + ", drafters " + models.drafters().stream().map(MeshConfigs::modelId).toList());
        LocalMesh.Mode mode = oneJvm ? LocalMesh.Mode.ONE_JVM : LocalMesh.Mode.PROCESSES;
        try (LocalMesh mesh = LocalMesh.startInTempDir(models, 0, mode, step -> System.err.println("demo: " + step));
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            // Fresh JVMs run slowly until the JIT has compiled the hot paths: untimed passes over the prompts first.
            // Twice: the router tries each of a route's drafters (specialised, general) once before it prefers
            // the one of higher measured goodput, so the timed run gets the router's own choice.
            System.err.println("demo: warming up (every prompt twice, untimed) ...");
            for (int round = 0; round < 2; round++) {
                for (DemoPrompts.Prompt prompt : DemoPrompts.ALL) {
                    client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_AUTO));
                    client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_OFF));
                }
            }
            out.printf("%-4s %-26s %6s %10s %9s %9s %11s %8s %s%n", "lang", "drafter", "tokens", "acceptance",
                    "mean len", "tok/s", "target tok/s", "speedup", "output");
            long tokens = 0;
            double specMs = 0;
            double plainMs = 0;
            int n = 0;
            for (DemoPrompts.Prompt prompt : DemoPrompts.ALL) {
                System.err.printf("demo: prompt %d/%d (%s) ...%n", ++n, DemoPrompts.ALL.size(), prompt.language());
                MeshClient.Completion spec = client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_AUTO));
                MeshClient.Completion plain = client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_OFF));
                GenerationSummary s = spec.summary();
                GenerationSummary p = plain.summary();
                out.printf("%-4s %-26s %6d %10.2f %9.2f %9.1f %11.1f %7.2fx %s%n", s.getLanguage(),
                        s.getDrafterId().isEmpty() ? "none" : s.getDrafterId(), s.getCompletionTokens(),
                        s.getAcceptanceRate(), s.getMeanAcceptedLength(), s.getTokensPerSecond(),
                        p.getTokensPerSecond(), s.getTokensPerSecond() / p.getTokensPerSecond(),
                        spec.tokenIds().equals(plain.tokenIds()) ? "identical to target-only" : "DIFFERS from target-only");
                tokens += s.getCompletionTokens();
                specMs += s.getTotalTimeMs();
                plainMs += p.getTotalTimeMs();
            }
            out.printf("total: %d tokens, speculative %.1f tok/s, target-only %.1f tok/s, speedup %.2fx%n", tokens,
                    tokens / (specMs / 1000), tokens / (plainMs / 1000), plainMs / specMs);
            System.err.println("demo: shutting down ...");
        }
        return 0;
    }

    private GenerateRequest request(String prompt, SpeculationMode mode) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(maxTokens)
                .setSpeculation(Speculation.newBuilder().setMode(mode)).build();
    }
}
