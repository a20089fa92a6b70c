package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class PreTokenizerTest {

    private static final String MIXED = "Hello, y'all! I'VE 12345 apples\n\n  and 3.14 €\r\n\tGrüße 你好 🦙🦙 ";

    @Test
    void byName_llamaCppNames_mapToTheirPreTokenizers() {
        assertThat(PreTokenizer.byName("llama-bpe")).contains(PreTokenizer.LLAMA3);
        assertThat(PreTokenizer.byName("llama3")).contains(PreTokenizer.LLAMA3);
        assertThat(PreTokenizer.byName("qwen2")).contains(PreTokenizer.QWEN2);
        assertThat(PreTokenizer.byName("gpt-2")).contains(PreTokenizer.GPT2);
        assertThat(PreTokenizer.byName("default")).isEmpty();
        assertThat(PreTokenizer.names()).contains("gpt-2", "llama-bpe", "qwen2").isSorted();
    }

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void split_anyText_wordsConcatenateToIt(PreTokenizer pre) {
        assertThat(String.join("", pre.split(MIXED))).isEqualTo(MIXED);
        assertThat(PreTokenizer.byName(pre.ggufName())).contains(pre);
    }

    @Test
    void split_llama3_numbersInGroupsOfThreeAndCaseInsensitiveContractions() {
        assertThat(PreTokenizer.LLAMA3.split("I'VE 12345")).containsExactly("I", "'VE", " ", "123", "45");
    }

    @Test
    void split_llama3_punctuationJoinsTheFollowingWord() {
        assertThat(PreTokenizer.LLAMA3.split("(hello)\n\n x")).containsExactly("(hello", ")\n\n", " x");
    }

    @Test
    void split_qwen2_everyDigitAlone() {
        assertThat(PreTokenizer.QWEN2.split("a 123")).containsExactly("a", " ", "1", "2", "3");
    }

    @Test
    void split_gpt2_caseSensitiveContractionsAndDigitRuns() {
        assertThat(PreTokenizer.GPT2.split("I'VE 12345 it's")).containsExactly("I", "'", "VE", " 12345", " it", "'s");
    }

    @Test
    void flags_onlyLlama3IgnoresMergesAndExpectsBos() {
        assertThat(PreTokenizer.LLAMA3.ignoresMerges()).isTrue();
        assertThat(PreTokenizer.LLAMA3.defaultAddBos()).isTrue();
        assertThat(PreTokenizer.QWEN2.ignoresMerges()).isFalse();
        assertThat(PreTokenizer.QWEN2.defaultAddBos()).isFalse();
        assertThat(PreTokenizer.GPT2.defaultAddBos()).isFalse();
    }
}
