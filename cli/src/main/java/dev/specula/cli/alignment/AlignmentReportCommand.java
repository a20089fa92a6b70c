package dev.specula.cli.alignment;

import dev.specula.engine.kernel.Backends;
import dev.specula.train.data.Corpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code specula alignment-report}: evaluates the model family in {@code models/} on the corpus's held-out text
 * and writes {@code docs/alignment/README.md} with its plots; the tables also go to stdout, progress to stderr.
 */
@Command(name = "alignment-report", mixinStandardHelpOptions = true,
        description = {"Evaluate the model family's drafters against the target on held-out text and write a Markdown",
                "report with plots: greedy and sampled acceptance and mean accepted length per language, held-out",
                "perplexity, and the speedup of each language's best drafter. Absent drafters show as —."})
public final class AlignmentReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--models", description = "Folder of specula-target.gguf and specula-drafter-<scope>-<method>.gguf"
            + " (default: models under the project root).")
    Path models;

    @Option(names = "--corpus", description = "Corpus root (default: ../shared/corpus beside the project root).")
    Path corpus;

    @Option(names = "--out", description = "Folder for README.md and the PNG plots (default: docs/alignment under the project root).")
    Path out;

    @Option(names = "--prompts-per-language", defaultValue = "8", description = "Prompts per language (default: ${DEFAULT-VALUE}).")
    int promptsPerLanguage;

    @Option(names = "--prompt-tokens", defaultValue = "48", description = "Held-out tokens per prompt (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens generated per prompt (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--k", defaultValue = "4", description = "Draft tokens per verification step (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Temperature of the sampled setting (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sampled setting (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--languages", split = ",", description = "Languages to evaluate, e.g. en,de (default: every corpus language).")
    List<String> languages = List.of();

    @Option(names = "--perplexity-tokens", defaultValue = "4096",
            description = "Held-out tokens scored per language and model, at most (default: ${DEFAULT-VALUE}).")
    int perplexityTokens;

    @Option(names = "--speed-rounds", defaultValue = "3",
            description = "Timed interleaved rounds of the speed comparison (default: ${DEFAULT-VALUE}).")
    int speedRounds;

    @Option(names = "--speed-k", split = ",", defaultValue = "1,2,3,4",
            description = "Draft lengths the speed comparison times (default: ${DEFAULT-VALUE}).")
    List<Integer> speedKs;

    @Option(names = "--backend", defaultValue = "vector", description = "Engine backend: naive, vector, cuda, auto (default: ${DEFAULT-VALUE}).")
    String backend;

    @Override
    public Integer call() throws IOException {
        if (!Backends.NAMES.contains(backend)) {
            throw new IllegalArgumentException("--backend: " + backend + " (expected: one of " + Backends.NAMES + ")");
        }
        Path home = Path.of(System.getProperty("specula.home", "."));
        AlignmentOptions options = new AlignmentOptions(
                models != null ? models : home.resolve("models"),
                corpus != null ? corpus : home.resolve(Corpus.DEFAULT_ROOT).normalize(),
                out != null ? out : home.resolve("docs").resolve("alignment"),
                promptsPerLanguage, promptTokens, maxTokens, k, temperature, seed, languages, perplexityTokens,
                speedRounds, speedKs, backend);
        AlignmentReport report = new AlignmentEvaluator(options, line -> System.err.println("alignment-report: " + line))
                .run(commandLine(), Machine.describe());
        Files.createDirectories(options.out());
        ReportCharts.Files charts = ReportCharts.write(report, options.out());
        Path page = options.out().resolve("README.md");
        Files.writeString(page, MarkdownReport.page(report, charts), StandardCharsets.UTF_8);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(MarkdownReport.tables(report, null));
        stdout.flush();
        System.err.println("alignment-report: wrote " + page + " and " + charts.greedy() + ", " + charts.sampled()
                + ", " + charts.speedup());
        return 0;
    }

    /** The command as typed, shell-quoted where needed. */
    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "./specula " + args.stream().map(AlignmentReportCommand::quote).collect(Collectors.joining(" "));
    }

    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./,=:@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
