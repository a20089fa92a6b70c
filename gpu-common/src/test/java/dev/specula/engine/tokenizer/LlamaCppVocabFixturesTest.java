package dev.specula.engine.tokenizer;

import dev.specula.engine.SharedData;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;
import dev.specula.engine.gguf.GgufValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    @Test
    void encode_llama3ControlTokenInText_isOneTokenOnlyWhenParsingSpecial() {
        Tokenizer llama3 = LlamaCppVocabFixtures.tokenizer("llama-bpe");
        String text = "<|begin_of_text|>Hello<|eot_id|>";

        assertThat(llama3.encode(text, true)).containsExactly(128000, 9906, 128009);
        assertThat(llama3.encode(text)).doesNotContain(128000, 128009);
        assertThat(llama3.decode(llama3.encode(text))).isEqualTo(text);
    }

    @Test
    void encode_addSpecial_prependsBosWhereTheVocabularyAsksForIt() {
        assertThat(LlamaCppVocabFixtures.tokenizer("llama-bpe").encode("Hello", true, true))
                .containsExactly(128000, 9906);
        assertThat(LlamaCppVocabFixtures.tokenizer("llama-spm").encode("Hello", true, true))
                .containsExactly(1, 15043);
        assertThat(LlamaCppVocabFixtures.tokenizer("qwen2").encode("Hello", true, true)).containsExactly(9707);
        assertThat(LlamaCppVocabFixtures.tokenizer("gpt-2").encode("Hello", true, true)).containsExactly(15496);
    }

    @Test
    void encode_spmAfterSpecialToken_prefixesTheFollowingText() {
        Tokenizer llama2 = LlamaCppVocabFixtures.tokenizer("llama-spm");

        assertThat(llama2.encode("<s>Hello", true)).containsExactly(1, 15043);
        assertThat(llama2.encode("Hello</s>Hello", true)).containsExactly(15043, 2, 15043);
    }

    @Test
    void encode_mergesOnIdsAndOnStrings_agreeOnMultilingualText() throws Exception {
        GgufMetadata metadata = LlamaCppVocabFixtures.metadata("gpt-2");
        Gpt2BpeTokenizer byIds = Gpt2BpeTokenizer.fromGguf(metadata);
        // A last merge whose result is not a token makes the tokenizer merge strings, as before MergeTable.
        Map<String, GgufValue> m = new HashMap<>(metadata.asMap());
        List<String> merges = new ArrayList<>(metadata.getStringArray("tokenizer.ggml.merges"));
        merges.add("Ġ zzzzqq");
        m.put("tokenizer.ggml.merges", new GgufValue(GgufValueType.ARRAY,
                new GgufValue.GgufArray(GgufValueType.STRING, new ArrayList<>(merges))));
        Gpt2BpeTokenizer byStrings = Gpt2BpeTokenizer.fromGguf(new GgufMetadata(m));
        String text = TokenizerThroughput.multilingualSample(
                SharedData.require("corpus/installation-guide").getParent(), 100_000);

        for (String line : text.split("\n")) {
            assertThat(byIds.encode(line)).as(line).containsExactly(byStrings.encode(line));
        }
    }
}
