package dev.specula.cli.alignment;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the alignment report evaluates and how.
 *
 * @param models             the folder of the family's GGUF files ({@link ModelFamily})
 * @param corpus             the corpus root, whose held-out split supplies prompts and perplexity text
 * @param out                the folder the Markdown page and its plots are written to
 * @param promptsPerLanguage prompts cut from each language's held-out text
 * @param promptTokens       tokens per prompt, after BOS
 * @param maxTokens          tokens generated per prompt
 * @param k                  draft tokens per verification step
 * @param temperature        the sampled setting's temperature (the other setting is greedy)
 * @param seed               the sampled setting's seed; prompt i uses {@code seed + i}
 * @param languages          the languages to evaluate; empty means every corpus language
 * @param perplexityTokens   held-out tokens scored per language and model, at most
 * @param speedRounds        timed interleaved rounds of the speed comparison, after one untimed round
 * @param speedKs            the draft lengths the speed comparison times, each against the same target-only runs
 * @param backend            the engine backend ({@code naive}, {@code vector}, {@code cuda}, {@code auto})
 */
public record AlignmentOptions(Path models, Path corpus, Path out, int promptsPerLanguage, int promptTokens,
                               int maxTokens, int k, double temperature, long seed, List<String> languages,
                               int perplexityTokens, int speedRounds, List<Integer> speedKs, String backend) {

    public AlignmentOptions {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(backend, "backend");
        languages = List.copyOf(languages);
        positive("--prompts-per-language", promptsPerLanguage);
        positive("--prompt-tokens", promptTokens);
        positive("--max-tokens", maxTokens);
        positive("--k", k);
        positive("--perplexity-tokens", perplexityTokens);
        positive("--speed-rounds", speedRounds);
        speedKs = List.copyOf(speedKs);
        boolean repeated = speedKs.stream().distinct().count() < speedKs.size();
        if (speedKs.isEmpty() || repeated || speedKs.stream().anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("--speed-k: " + speedKs + " (expected: distinct values, each > 0)");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature: " + temperature
                    + " (expected: finite and > 0; greedy is always measured as well)");
        }
    }

    /** Positions one speculative generation needs: BOS, the prompt, the tokens and one block past the last. */
    public int positionsNeeded() {
        int longestBlock = Math.max(k, speedKs.stream().mapToInt(Integer::intValue).max().orElse(k));
        return 1 + promptTokens + maxTokens + longestBlock + 1;
    }

    private static void positive(String option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: > 0)");
        }
    }
}
