package dev.specula.engine.tokenizer;

import dev.specula.engine.SharedData;
import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.gguf.GgufMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * llama.cpp's vocabulary test data in {@code ../shared/fixtures/llama.cpp}: a vocabulary-only GGUF, its
 * {@code .inp} texts and its {@code .out} expected ids, read as llama.cpp's {@code test-tokenizer-0} reads them.
 */
final class LlamaCppVocabFixtures {

    /** Ends every text in a {@code .inp} file; the text keeps its own leading and trailing white space. */
    private static final String DELIMITER = "\n__ggml_vocab_test__\n";

    /** One text and the ids llama.cpp gives it (no BOS). */
    record Case(String text, int[] expected) {
    }

    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private LlamaCppVocabFixtures() {
    }

    /** {@code ../shared/fixtures/llama.cpp/ggml-vocab-NAME.gguf}; skips the test when it is absent. */
    static Path vocabFile(String name) {
        return SharedData.require("fixtures/llama.cpp/ggml-vocab-" + name + ".gguf");
    }

    /** The tokenizer of the fixture's vocabulary, loaded once per test run (the 128k and 151k ones take seconds). */
    static Tokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, n -> Tokenizers.fromGguf(metadata(n), vocabFile(n)));
    }

    /** The fixture's GGUF metadata. */
    static GgufMetadata metadata(String name) {
        try (GgufFile file = GgufFile.open(vocabFile(name))) {
            return file.metadata();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's cases, texts paired with lines in order. */
    static List<Case> cases(String name) {
        Path gguf = vocabFile(name);
        try {
            String inp = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8);
            List<String> out = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
            List<String> texts = new ArrayList<>();
            int from = 0;
            for (int at = inp.indexOf(DELIMITER); at >= 0; at = inp.indexOf(DELIMITER, from)) {
                texts.add(inp.substring(from, at));
                from = at + DELIMITER.length();
            }
            if (texts.size() != out.size()) {
                throw new IllegalStateException(gguf + ".inp has " + texts.size() + " texts but .out has "
                        + out.size() + " lines (expected: one line per text)");
            }
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                String line = out.get(i).strip();
                int[] ids = line.isEmpty() ? new int[0]
                        : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
                cases.add(new Case(texts.get(i), ids));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
