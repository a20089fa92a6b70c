package dev.specula.cli.alignment;

import java.util.Map;
import java.util.Optional;

/**
 * Everything the report says about one language. A column missing from a map had no drafter file.
 *
 * @param language          the language code
 * @param prompts           prompts evaluated (0 when the language has no held-out text)
 * @param promptDigest      {@link PromptSet#digest()} of those prompts
 * @param greedy            greedy acceptance per drafter column
 * @param sampled           acceptance at the sampled temperature per drafter column
 * @param targetPerplexity  the target's held-out perplexity (NaN without held-out text)
 * @param perplexity        held-out perplexity per drafter column
 * @param speed             target-only vs speculative with the best drafter, absent without any drafter
 */
public record LanguageResult(String language, int prompts, String promptDigest,
                             Map<DrafterColumn, AcceptanceStats> greedy, Map<DrafterColumn, AcceptanceStats> sampled,
                             double targetPerplexity, Map<DrafterColumn, Double> perplexity,
                             Optional<SpeedComparison> speed) {

    public LanguageResult {
        greedy = Map.copyOf(greedy);
        sampled = Map.copyOf(sampled);
        perplexity = Map.copyOf(perplexity);
    }
}
