package dev.specula.cli.alignment;

import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The report as Markdown: a header saying how it was made, then per-language tables (one row per language,
 * one column per drafter column, "—" where the drafter file is absent) and the plots beside them.
 */
public final class MarkdownReport {

    /** Shown where there is no value: an absent drafter file, or a language without held-out text. */
    public static final String NONE = "—";

    private MarkdownReport() {
    }

    /** The whole page, linking the plots by their file names in {@code charts}. */
    public static String page(AlignmentReport report, ReportCharts.Files charts) {
        AlignmentOptions o = report.options();
        StringBuilder md = new StringBuilder();
        md.append("# Alignment report\n\n");
        md.append("How closely each drafter of the Specula model family predicts the target on held-out text: ")
                .append("acceptance and mean accepted length of speculative decoding, held-out perplexity, and ")
                .append("the wall-clock speedup of the best drafter per language.\n\n");
        md.append("- Command: `").append(report.command()).append("`\n");
        md.append("- Date: ").append(report.date().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT)))
                .append('\n');
        md.append("- Machine: ").append(report.machine()).append('\n');
        md.append("- Models: `").append(o.models()).append("` (").append(ModelFamily.TARGET)
                .append(" and specula-drafter-<scope>-<method>.gguf); ").append(NONE).append(" marks an absent drafter\n");
        md.append("- Corpus: `").append(o.corpus()).append("`, held-out split\n\n");
        md.append(tables(report, charts));
        return md.toString();
    }

    /** The tables (with plot links when {@code charts} is not null), as printed to stdout too. */
    public static String tables(AlignmentReport report, ReportCharts.Files charts) {
        AlignmentOptions o = report.options();
        List<LanguageResult> rows = report.languages();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Per language: %d prompts of %d held-out tokens after BOS, cut evenly spaced"
                        + " with the target's tokenizer and the same for every drafter; %d tokens generated per prompt;"
                        + " k = %d drafts per verification step. Acceptance rate is accepted / drafted pooled over the prompts"
                        + " (vLLM's); per-token acceptance α is accepted / (accepted + rejected), where a step rejects at"
                        + " most one draft and the drafts after it are not judged (Leviathan et al.'s α: a step commits"
                        + " (1 − α^(k+1)) / (1 − α) tokens on average); mean accepted length is tokens committed per"
                        + " verification step (at most k + 1 = %d).%n%n",
                o.promptsPerLanguage(), o.promptTokens(), o.maxTokens(), o.k(), o.k() + 1));
        md.append("## Greedy (T = 0)\n\n### Acceptance rate\n\n");
        md.append(drafterTable(rows, LanguageResult::greedy, AcceptanceStats::acceptanceRate, "%.3f"));
        image(md, charts == null ? null : charts.greedy(), "greedy acceptance per language");
        md.append("### Per-token acceptance α\n\n");
        md.append(drafterTable(rows, LanguageResult::greedy, AcceptanceStats::perTokenAcceptance, "%.3f"));
        md.append("### Mean accepted length\n\n");
        md.append(drafterTable(rows, LanguageResult::greedy, AcceptanceStats::meanAcceptedLength, "%.2f"));
        md.append(String.format(Locale.ROOT, "## Sampled (T = %s, seed %d + prompt index)%n%n### Acceptance rate%n%n",
                o.temperature(), o.seed()));
        md.append(drafterTable(rows, LanguageResult::sampled, AcceptanceStats::acceptanceRate, "%.3f"));
        image(md, charts == null ? null : charts.sampled(), "sampled acceptance per language");
        md.append("### Per-token acceptance α\n\n");
        md.append(drafterTable(rows, LanguageResult::sampled, AcceptanceStats::perTokenAcceptance, "%.3f"));
        md.append("### Mean accepted length\n\n");
        md.append(drafterTable(rows, LanguageResult::sampled, AcceptanceStats::meanAcceptedLength, "%.2f"));
        md.append("## Held-out perplexity\n\n");
        md.append(String.format(Locale.ROOT, "exp of the mean next-token cross entropy over evenly spaced windows of"
                + " at most %d tokens, about %d tokens per language (the specialised drafters on their own language).%n%n",
                AlignmentEvaluator.MAX_PERPLEXITY_WINDOW, o.perplexityTokens()));
        md.append(perplexityTable(rows));
        md.append(String.format(Locale.ROOT, "## Speed (greedy, wall clock)%n%nTarget-only greedy generation against"
                + " greedy speculative decoding with the language's best drafter (highest greedy acceptance) at each"
                + " draft length k, prefill included, interleaved prompt by prompt over %d timed rounds after an untimed"
                + " warm-up round. The speedup is at the fastest k.%n%n",
                o.speedRounds()));
        md.append(speedTable(rows, o.speedKs()));
        image(md, charts == null ? null : charts.speedup(), "speedup per language");
        md.append("## Prompts\n\n| lang | prompts | digest |\n|---|---:|---|\n");
        for (LanguageResult r : rows) {
            md.append("| ").append(r.language()).append(" | ").append(r.prompts()).append(" | `")
                    .append(r.promptDigest()).append("` |\n");
        }
        return md.toString();
    }

    private static String drafterTable(List<LanguageResult> rows,
                                       Function<LanguageResult, Map<DrafterColumn, AcceptanceStats>> setting,
                                       ToDoubleFunction<AcceptanceStats> metric, String format) {
        StringBuilder md = header("lang");
        for (LanguageResult r : rows) {
            md.append("| ").append(r.language());
            for (DrafterColumn column : DrafterColumn.values()) {
                AcceptanceStats s = setting.apply(r).get(column);
                md.append(" | ").append(s == null || s.generations() == 0 ? NONE
                        : String.format(Locale.ROOT, format, metric.applyAsDouble(s)));
            }
            md.append(" |\n");
        }
        return md.append('\n').toString();
    }

    private static String perplexityTable(List<LanguageResult> rows) {
        StringBuilder md = header("lang | target");
        for (LanguageResult r : rows) {
            md.append("| ").append(r.language()).append(" | ").append(number(r.targetPerplexity()));
            for (DrafterColumn column : DrafterColumn.values()) {
                md.append(" | ").append(number(r.perplexity().getOrDefault(column, Double.NaN)));
            }
            md.append(" |\n");
        }
        return md.append('\n').toString();
    }

    private static String speedTable(List<LanguageResult> rows, List<Integer> ks) {
        StringBuilder md = new StringBuilder("| lang | best drafter | target-only tok/s");
        ks.forEach(k -> md.append(" | k = ").append(k).append(" tok/s"));
        md.append(" | best k | speedup | output identical |\n|---|---|---:");
        md.append("|---:".repeat(ks.size())).append("|---:|---:|---|\n");
        for (LanguageResult r : rows) {
            md.append("| ").append(r.language()).append(" | ");
            r.speed().ifPresentOrElse(s -> {
                md.append(s.drafter().header()).append(String.format(Locale.ROOT, " | %.1f", s.targetTokensPerSecond()));
                ks.forEach(k -> md.append(String.format(Locale.ROOT, " | %.1f", s.speculativeTokensPerSecond().get(k))));
                md.append(String.format(Locale.ROOT, " | %d | %.2f× | %s", s.bestK(), s.speedup(), s.identical() ? "yes" : "NO"));
            }, () -> md.append(String.join(" | ", Collections.nCopies(ks.size() + 5, NONE))));
            md.append(" |\n");
        }
        return md.append('\n').toString();
    }

    private static StringBuilder header(String first) {
        StringBuilder md = new StringBuilder("| ").append(first);
        StringBuilder rule = new StringBuilder("|---");
        rule.append("|---:".repeat(first.split("\\|").length - 1));
        for (DrafterColumn column : DrafterColumn.values()) {
            md.append(" | ").append(column.header());
            rule.append("|---:");
        }
        return md.append(" |\n").append(rule).append("|\n");
    }

    private static String number(double value) {
        return Double.isNaN(value) ? NONE : String.format(Locale.ROOT, "%.2f", value);
    }

    private static void image(StringBuilder md, String file, String alt) {
        if (file != null) {
            md.append("![").append(alt).append("](").append(file).append(")\n\n");
        }
    }
}
