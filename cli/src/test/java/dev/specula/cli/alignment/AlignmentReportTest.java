package dev.specula.cli.alignment;

import dev.specula.cli.SpeculaMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The alignment report on {@link TinyFamily}: measurements through the evaluator, files through the command. */
class AlignmentReportTest {

    private static final int K = 4;

    @TempDir
    static Path root;

    private static AlignmentReport report;

    @BeforeAll
    static void evaluateTinyFamily() throws IOException {
        TinyFamily.write(root);
        report = evaluate();
    }

    private static AlignmentReport evaluate() throws IOException {
        AlignmentOptions options = new AlignmentOptions(root.resolve("models"), root.resolve("corpus"), root.resolve("out"),
                3, 16, 16, K, 0.8, 1, List.of(), 256, 1, List.of(1, K), "naive");
        return new AlignmentEvaluator(options, line -> { }).run("test", "test machine");
    }

    private static LanguageResult language(String code) {
        return report.languages().stream().filter(r -> r.language().equals(code)).findFirst().orElseThrow();
    }

    @Test
    void evaluate_copyOfTargetAsDrafter_greedyAcceptsEveryDraftAndCommitsKPlusOnePerStep() {
        for (String lang : List.of("de", "en")) {
            AcceptanceStats copy = language(lang).greedy().get(DrafterColumn.GENERAL_KL);
            assertThat(copy.generations()).as(lang).isEqualTo(3);
            assertThat(copy.acceptanceRate()).as(lang).isEqualTo(1.0);
            assertThat(copy.meanAcceptedLength()).as(lang).isEqualTo(K + 1.0);
            assertThat(copy.rejected()).as(lang).isZero();
            assertThat(copy.perTokenAcceptance()).as(lang).isEqualTo(1.0);
            assertThat(language(lang).perplexity().get(DrafterColumn.GENERAL_KL)).as(lang)
                    .isEqualTo(language(lang).targetPerplexity());
        }
    }

    @Test
    void evaluate_differentRandomDrafter_acceptsLessThanEverything() {
        AcceptanceStats random = language("en").greedy().get(DrafterColumn.GENERAL_TVD);
        assertThat(random.acceptanceRate()).isLessThan(1.0);
        assertThat(random.rejected()).isPositive();
        assertThat(random.perTokenAcceptance()).isLessThan(1.0).isGreaterThanOrEqualTo(random.acceptanceRate());
        assertThat(language("en").greedy().get(DrafterColumn.SPECIALISED_KL).acceptanceRate()).isLessThan(1.0);
        assertThat(language("en").sampled().get(DrafterColumn.GENERAL_TVD).acceptanceRate()).isLessThan(1.0);
    }

    @Test
    void evaluate_absentDrafterFiles_leaveTheirColumnsEmpty() {
        assertThat(language("en").greedy()).containsOnlyKeys(DrafterColumn.GENERAL_KL, DrafterColumn.GENERAL_TVD,
                DrafterColumn.SPECIALISED_KL);
        assertThat(language("de").greedy()).containsOnlyKeys(DrafterColumn.GENERAL_KL, DrafterColumn.GENERAL_TVD);
        assertThat(language("de").perplexity()).containsOnlyKeys(DrafterColumn.GENERAL_KL, DrafterColumn.GENERAL_TVD);
    }

    @Test
    void evaluate_prompts_sameForEveryDrafterAndSettingAndAcrossRuns() throws IOException {
        AlignmentReport again = evaluate();
        for (int i = 0; i < report.languages().size(); i++) {
            LanguageResult r = report.languages().get(i);
            assertThat(r.prompts()).isEqualTo(3);
            assertThat(Stream.concat(r.greedy().values().stream(), r.sampled().values().stream()))
                    .extracting(AcceptanceStats::promptDigest).containsOnly(r.promptDigest());
            assertThat(again.languages().get(i).promptDigest()).isEqualTo(r.promptDigest());
            assertThat(again.languages().get(i).sampled()).isEqualTo(r.sampled()); // seeded
        }
        assertThat(language("en").promptDigest()).isNotEqualTo(language("de").promptDigest());
    }

    @Test
    void evaluate_speed_usesTheBestDrafterAndReproducesTheTargetsOutput() {
        for (LanguageResult r : report.languages()) {
            SpeedComparison speed = r.speed().orElseThrow();
            assertThat(speed.drafter()).isEqualTo(DrafterColumn.GENERAL_KL); // the copy: acceptance 1.0
            assertThat(speed.identical()).isTrue();
            assertThat(speed.targetTokensPerSecond()).isPositive();
            assertThat(speed.speculativeTokensPerSecond()).containsOnlyKeys(1, K)
                    .allSatisfy((k, tokensPerSecond) -> assertThat(tokensPerSecond).isPositive());
            assertThat(speed.speedup()).isEqualTo(speed.speculativeTokensPerSecond().get(speed.bestK())
                    / speed.targetTokensPerSecond());
        }
    }

    @Test
    void options_speedKsRepeatedOrNotPositive_areRejectedNamingTheFlag() {
        for (List<Integer> bad : List.<List<Integer>>of(List.of(), List.of(0, 2), List.of(2, 2))) {
            assertThatThrownBy(() -> new AlignmentOptions(root, root, root, 3, 16, 16, K, 0.8, 1, List.of(), 256, 1,
                    bad, "naive")).as("%s", bad).hasMessageStartingWith("--speed-k: " + bad);
        }
    }

    @Test
    void tokenWindows_evenlySpaced_coversFirstAndLastTokensDeterministically() {
        int[] tokens = IntStream.range(0, 100).toArray();
        List<int[]> windows = TokenWindows.evenlySpaced(tokens, 4, 10);

        assertThat(windows).hasSize(4);
        assertThat(windows.getFirst()[0]).isZero();
        assertThat(windows.getLast()[9]).isEqualTo(99);
        assertThat(windows.get(1)[0]).isEqualTo(30);
        assertThat(TokenWindows.evenlySpaced(new int[] {7, 8}, 4, 10)).containsExactly(new int[] {7, 8});
        assertThat(TokenWindows.evenlySpaced(new int[0], 4, 10)).isEmpty();
    }

    @Test
    void command_tinyFamily_writesMarkdownTablesAndPngPlotsAndPrintsTheTables() throws IOException {
        Path out = root.resolve("report");
        StringWriter stdout = new StringWriter();
        CommandLine cli = SpeculaMain.commandLine();
        cli.setOut(new PrintWriter(stdout));
        int code = cli.execute("alignment-report", "--models", root.resolve("models").toString(), "--corpus",
                root.resolve("corpus").toString(), "--out", out.toString(), "--prompts-per-language", "2",
                "--prompt-tokens", "12", "--max-tokens", "12", "--speed-rounds", "1", "--perplexity-tokens", "128",
                "--backend", "naive", "--languages", "en,de");

        assertThat(code).isZero();
        String page = Files.readString(out.resolve("README.md"));
        assertThat(page).contains("# Alignment report", "./specula alignment-report --models", "cores",
                "## Greedy (T = 0)", "## Sampled (T = 0.8", "## Held-out perplexity", "## Speed (greedy, wall clock)",
                "| lang | general-kl | general-tvd | specialised-kl | specialised-tvd |",
                "| lang | target | general-kl | general-tvd | specialised-kl | specialised-tvd |",
                "![greedy acceptance per language](acceptance-greedy.png)");
        // Rate and per-token α, greedy and sampled: the copy of the target accepts everything (p = q).
        assertThat(page.lines().filter(l -> l.startsWith("| en | 1.000 | "))).hasSize(4);
        assertThat(page).contains("### Per-token acceptance α");
        assertThat(page.lines().filter(l -> l.startsWith("| de | 1.000 | ")).toList())
                .isNotEmpty().allSatisfy(l -> assertThat(l).endsWith("| — | — |"));
        assertThat(page.lines().filter(l -> l.startsWith("| en | 5.00 | ")).toList())
                .isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(" | — |"));
        assertThat(page).contains("| en | general-kl | ", "| yes |");
        assertThat(stdout.toString()).contains("| lang | general-kl | general-tvd | specialised-kl | specialised-tvd |")
                .doesNotContain("](");
        for (String png : List.of("acceptance-greedy.png", "acceptance-sampled.png", "speedup.png")) {
            assertThat(ImageIO.read(out.resolve(png).toFile())).as(png).isNotNull()
                    .satisfies(image -> assertThat(image.getWidth()).isGreaterThan(100));
        }
    }

    @Test
    void command_noTargetFile_failsWithExitCode2NamingTheExpectedPath() throws IOException {
        Path empty = Files.createDirectories(root.resolve("no-models"));
        StringWriter err = new StringWriter();
        CommandLine cli = SpeculaMain.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("alignment-report", "--models", empty.toString(), "--corpus",
                root.resolve("corpus").toString(), "--out", root.resolve("unused").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("specula alignment-report: target model: "
                + empty.resolve("specula-target.gguf") + " does not exist");
        assertThat(root.resolve("unused")).doesNotExist();
    }

    @Test
    void markdown_absentDrafter_showsADashInItsColumn() {
        String tables = MarkdownReport.tables(report, null);

        assertThat(tables.lines().filter(l -> l.startsWith("| de | 1.000 | ")).toList()).hasSize(4)
                .allSatisfy(l -> assertThat(l).endsWith(" | " + MarkdownReport.NONE + " | " + MarkdownReport.NONE + " |"));
    }
}
