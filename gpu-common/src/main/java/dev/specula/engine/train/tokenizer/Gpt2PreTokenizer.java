package dev.specula.engine.train.tokenizer;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenizer regex, which splits text into the words that merges never cross. It must be the one
 * {@code Gpt2BpeTokenizer} encodes with, whose pattern is private; {@code Gpt2PreTokenizerTest} reads that
 * pattern reflectively and fails when the two drift apart.
 */
final class Gpt2PreTokenizer {

    /** Same string and flags as the engine's; UNICODE_CHARACTER_CLASS makes \s Unicode-aware as in Python. */
    static final Pattern PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private Gpt2PreTokenizer() {
    }

    /** Hands every word of {@code text} to {@code sink}, in order. */
    static void split(String text, Consumer<String> sink) {
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            sink.accept(m.group());
        }
    }
}
