package dev.specula.train.tokenizer;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A trained tokenizer with what training saw and how long it took: the distinct words (pre-tokens) of the
 * corpus and the tokens training left each of them in, which {@link Gpt2BpeTokenizer#encode} reproduces.
 */
public final class BpeTrainingResult {

    private final Gpt2BpeTokenizer tokenizer;
    /** Distinct word → its token ids at the end of training. */
    private final Map<String, int[]> segmentations;
    private final long totalWords;
    private final Duration countingTime;
    private final Duration mergingTime;

    BpeTrainingResult(Gpt2BpeTokenizer tokenizer, Map<String, int[]> segmentations, long totalWords,
                      Duration countingTime, Duration mergingTime) {
        this.tokenizer = tokenizer;
        this.segmentations = Map.copyOf(segmentations);
        this.totalWords = totalWords;
        this.countingTime = countingTime;
        this.mergingTime = mergingTime;
    }

    /** The trained tokenizer. */
    public Gpt2BpeTokenizer tokenizer() {
        return tokenizer;
    }

    /** The distinct words (GPT-2 pre-tokens) of the training text. */
    public Set<String> words() {
        return segmentations.keySet();
    }

    /**
     * The token ids training merged {@code word} into (a fresh array).
     *
     * @throws IllegalArgumentException when {@code word} was not a word of the training text
     */
    public int[] segmentation(String word) {
        int[] tokens = segmentations.get(word);
        if (tokens == null) {
            throw new IllegalArgumentException("word \"" + word + "\" (expected: a word of the training text)");
        }
        return tokens.clone();
    }

    /** Words in the training text, counting repeats. */
    public long totalWords() {
        return totalWords;
    }

    /** Time spent splitting the text into words and counting them. */
    public Duration countingTime() {
        return countingTime;
    }

    /** Time spent counting pairs and merging. */
    public Duration mergingTime() {
        return mergingTime;
    }
}
