package dev.specula.engine.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every text of llama.cpp's tokenizer tests for the vocabularies real models ship (Llama 3, Qwen 2.5, Llama 2 /
 * Mistral, Phi-3, GPT-2) encodes to exactly llama.cpp's ids. Skipped when {@code ../shared} is absent.
 */
class LlamaCppVocabFixturesTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2", "llama-spm", "phi-3", "gpt-2"})
    void encode_everyFixtureText_equalsLlamaCppIds(String vocab) {
        Tokenizer tokenizer = LlamaCppVocabFixtures.tokenizer(vocab);
        List<LlamaCppVocabFixtures.Case> cases = LlamaCppVocabFixtures.cases(vocab);

        List<String> failures = new ArrayList<>();
        for (LlamaCppVocabFixtures.Case c : cases) {
            int[] actual = tokenizer.encode(c.text());
            if (!Arrays.equals(actual, c.expected())) {
                failures.add("\"" + c.text().replace("\n", "\\n") + "\": " + Arrays.toString(actual)
                        + " (expected: " + Arrays.toString(c.expected()) + ")");
            }
        }

        assertThat(cases).hasSize(46);
        assertThat(failures).as(vocab + ": texts that differ from llama.cpp").isEmpty();
    }
}
