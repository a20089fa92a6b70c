package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code specula demo}: starts the mesh on loopback, runs the built-in multilingual prompts through the router as
 * a client would, speculative and target-only, {@code --repeats} rounds interleaved, and prints per prompt what
 * speculation did, its speedup (min / median / max over the rounds) and the generated text.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the built-in multilingual prompts through a mesh on loopback and print what each did.",
                "Starts router, verifier and drafter, runs every prompt speculative and then target-only (for the",
                "speedup), repeated, prints a row per prompt with its text and totals, and shuts down. Runs the",
                "widened family target by default (" + DefaultModels.WIDENED_TARGET_NOTE + ")."})
final class DemoCommand implements Callable<Integer> {

    private static final int TEXT_WIDTH = 60;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds over the prompts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--one-jvm", description = "Run the three services in this JVM (real TCP servers) instead of processes.")
    boolean oneJvm;

    @Option(names = "--plain-target", description = "Run the family target itself instead of its widening.")
    boolean plainTarget;

    /** Every round's runs of one prompt. */
    private record PromptRuns(List<MeshClient.Completion> speculative, List<MeshClient.Completion> plain) {
    }

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0 || repeats < 1) {
            throw new IllegalArgumentException("--max-tokens/--repeats: " + maxTokens + "/" + repeats
                    + " (expected: > 0)");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        DefaultModels models = plainTarget ? DefaultModels.find()
                : DefaultModels.find().withWidenedTarget(step -> System.err.println("demo: " + step));
        out.println("target " + models.target().getFileName() + (plainTarget ? " (the family target)"
                : " (" + DefaultModels.WIDENED_TARGET_NOTE + ")") + "; drafters "
                + models.drafters().stream().map(MeshConfigs::modelId).toList());
        LocalMesh.Mode mode = oneJvm ? LocalMesh.Mode.ONE_JVM : LocalMesh.Mode.PROCESSES;
        try (LocalMesh mesh = LocalMesh.startInTempDir(models, 0, mode, step -> System.err.println("demo: " + step));
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            // Untimed short passes first: fresh JVMs run slowly until the JIT has compiled the hot paths, and the
            // router tries each of a route's drafters (specialised, general) once before it prefers the one of
            // higher expected speedup, so the timed rounds get the router's own choice.
            System.err.println("demo: warming up (every prompt twice, 8 tokens, untimed) ...");
            for (int round = 0; round < 2; round++) {
                for (DemoPrompts.Prompt prompt : DemoPrompts.ALL) {
                    client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_AUTO, 8));
                    client.generate(request(prompt.text(), SpeculationMode.SPECULATION_MODE_OFF, 8));
                }
            }
            List<PromptRuns> runs = new ArrayList<>();
            DemoPrompts.ALL.forEach(p -> runs.add(new PromptRuns(new ArrayList<>(), new ArrayList<>())));
            for (int round = 1; round <= repeats; round++) {
                for (int i = 0; i < DemoPrompts.ALL.size(); i++) {
                    DemoPrompts.Prompt prompt = DemoPrompts.ALL.get(i);
                    MeshClient.Completion spec = client.generate(request(prompt.text(),
                            SpeculationMode.SPECULATION_MODE_AUTO, maxTokens));
                    MeshClient.Completion plain = client.generate(request(prompt.text(),
                            SpeculationMode.SPECULATION_MODE_OFF, maxTokens));
                    runs.get(i).speculative().add(spec);
                    runs.get(i).plain().add(plain);
                    System.err.printf("demo: round %d/%d, prompt %d/%d (%s): speculative %.1f tok/s, target-only"
                                    + " %.1f tok/s%n", round, repeats, i + 1, DemoPrompts.ALL.size(), prompt.language(),
                            spec.summary().getTokensPerSecond(), plain.summary().getTokensPerSecond());
                }
            }
            printTable(out, runs);
            System.err.println("demo: shutting down ...");
        }
        return 0;
    }

    private void printTable(PrintStream out, List<PromptRuns> runs) {
        out.printf("%d prompts x %d tokens, %d rounds, each prompt speculative then target-only%n",
                DemoPrompts.ALL.size(), maxTokens, repeats);
        out.printf("%-4s %-26s %6s %6s %5s %8s %9s %-20s %-5s %s%n", "lang", "drafter", "tokens", "accept", "mean",
                "spec t/s", "plain t/s", "speedup min/med/max", "same", "output");
        List<Double> roundSpecSeconds = new ArrayList<>(Collections.nCopies(repeats, 0.0));
        List<Double> roundPlainSeconds = new ArrayList<>(Collections.nCopies(repeats, 0.0));
        long tokens = 0;
        for (PromptRuns r : runs) {
            GenerationSummary s = r.speculative().getLast().summary();
            List<Double> spec = r.speculative().stream().map(c -> c.summary().getTokensPerSecond()).toList();
            List<Double> plain = r.plain().stream().map(c -> c.summary().getTokensPerSecond()).toList();
            List<Integer> expected = r.plain().getFirst().tokenIds();
            boolean same = r.speculative().stream().allMatch(c -> c.tokenIds().equals(expected))
                    && r.plain().stream().allMatch(c -> c.tokenIds().equals(expected));
            out.printf("%-4s %-26s %6d %6.2f %5.2f %8.1f %9.1f %-20s %-5s %s%n", s.getLanguage(),
                    s.getDrafterId().isEmpty() ? "none" : s.getDrafterId(), s.getCompletionTokens(),
                    s.getAcceptanceRate(), s.getMeanAcceptedLength(), Spread.of(spec).median(),
                    Spread.of(plain).median(), Spread.of(Spread.ratios(spec, plain)).format("%.2fx"),
                    same ? "yes" : "NO", shortText(r.plain().getFirst().text()));
            for (int round = 0; round < repeats; round++) {
                roundSpecSeconds.set(round, roundSpecSeconds.get(round)
                        + r.speculative().get(round).summary().getTotalTimeMs() / 1000);
                roundPlainSeconds.set(round, roundPlainSeconds.get(round)
                        + r.plain().get(round).summary().getTotalTimeMs() / 1000);
            }
            tokens += s.getCompletionTokens();
        }
        out.printf("total: %d tokens per round; speedup over all prompts, per round: %s%n", tokens,
                Spread.of(Spread.ratios(roundPlainSeconds, roundSpecSeconds)).format("%.2fx"));
        out.println("""
                accept: drafted tokens the target accepted (share); mean: tokens committed per verification step; \
                spec t/s and plain t/s: the median over the rounds of speculative and of target-only tokens/s, \
                as the router's summary reports them; speedup: speculative over target-only tok/s of the same \
                round, min/median/max over the rounds; same: every run's tokens identical to target-only's; \
                output: the start of the generated text (greedy, so the same every run).""");
    }

    /** The first {@link #TEXT_WIDTH} characters of {@code text} on one line. */
    private static String shortText(String text) {
        String line = text.replace("\r", "").replace("\n", "⏎").replace("\t", " ");
        return line.codePointCount(0, line.length()) <= TEXT_WIDTH ? line
                : line.substring(0, line.offsetByCodePoints(0, TEXT_WIDTH)) + "…";
    }

    private static GenerateRequest request(String prompt, SpeculationMode mode, int maxTokens) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(maxTokens)
                .setSpeculation(Speculation.newBuilder().setMode(mode)).build();
    }
}
