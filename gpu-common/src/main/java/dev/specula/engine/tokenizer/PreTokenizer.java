package dev.specula.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a byte-level BPE vocabulary splits text into words before merging, named by GGUF's
 * {@code tokenizer.ggml.pre} as llama.cpp names it ({@code llama-vocab.cpp}); merges never cross words.
 * Each is one Unicode-category regex whose successive matches are the words; with
 * {@link Pattern#UNICODE_CHARACTER_CLASS}, {@code \s} is Unicode white space as in the Hugging Face tokenizers.
 */
public enum PreTokenizer {

    /** GPT-2 and the vocabularies trained like it (Specula's own family). */
    GPT2("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    /** Llama 3.x: case-insensitive contractions, numbers in groups of up to three digits. */
    LLAMA3("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** Qwen 2 / 2.5 / 3: as Llama 3, but every digit is a word of its own. */
    QWEN2("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    /** The {@code tokenizer.ggml.pre} values llama.cpp reads as each of these pre-tokenizers. */
    private static final Map<String, PreTokenizer> BY_NAME = new TreeMap<>(Map.ofEntries(
            Map.entry("gpt-2", GPT2), Map.entry("phi-2", GPT2),
            Map.entry("llama-bpe", LLAMA3), Map.entry("llama3", LLAMA3), Map.entry("llama-v3", LLAMA3),
            Map.entry("qwen2", QWEN2), Map.entry("deepseek-r1-qwen", QWEN2)));

    private final Pattern pattern;

    PreTokenizer(String regex) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** The pre-tokenizer llama.cpp uses for {@code tokenizer.ggml.pre = name}, if Specula implements it. */
    public static Optional<PreTokenizer> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every {@code tokenizer.ggml.pre} value {@link #byName} knows, sorted (for error messages). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The name this pre-tokenizer is written under in GGUF files. */
    public String ggufName() {
        return switch (this) {
            case GPT2 -> "gpt-2";
            case LLAMA3 -> "llama-bpe";
            case QWEN2 -> "qwen2";
        };
    }

    /**
     * Whether a word that is itself a token is taken whole, without merging (llama.cpp's
     * {@code ignore_merges}, set for Llama 3: some of its tokens are not reachable through its merges).
     */
    public boolean ignoresMerges() {
        return this == LLAMA3;
    }

    /** Whether models of this vocabulary expect BOS when the file does not say (llama.cpp's default). */
    public boolean defaultAddBos() {
        return this == LLAMA3;
    }

    /** The words of {@code text}, in order; they concatenate to {@code text}. */
    public List<String> split(String text) {
        List<String> words = new ArrayList<>();
        forEachWord(text, words::add);
        return words;
    }

    /**
     * Calls {@code action} with each word of {@code text}, in order. Every character is a letter, a number,
     * white space or something else, and each pattern has an alternative for each, so the matches tile the text.
     */
    public void forEachWord(String text, Consumer<String> action) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            action.accept(m.group());
        }
    }
}
