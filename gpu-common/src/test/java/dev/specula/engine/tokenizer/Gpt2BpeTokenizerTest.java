package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GPT-2 byte-level BPE over a tiny hand-made vocabulary: the 256 byte characters plus a few merges. */
class Gpt2BpeTokenizerTest {

    static final List<String> MERGES = List.of("l l", "h e", "he ll", "hell o", "Ġ w", "Ġw o", "e l", "x y", "' s");
    static final int LL = 256;
    static final int HE = 257;
    static final int HELLO = 259;
    static final int SPACE_W = 260;
    static final int SPACE_WO = 261;
    static final int APOSTROPHE_S = 263;
    static final int END_OF_TEXT = 264;

    /** Ids 0..255 are the byte characters in byte order; then the merge results (no "xy") and one control token. */
    static Gpt2BpeTokenizer tinyTokenizer() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(Gpt2ByteLevel.toChar((byte) b)));
        }
        tokens.addAll(List.of("ll", "he", "hell", "hello", "Ġw", "Ġwo", "el", "'s", "<|endoftext|>"));
        TokenType[] types = new TokenType[tokens.size()];
        Arrays.fill(types, TokenType.NORMAL);
        types[END_OF_TEXT] = TokenType.CONTROL;
        return new Gpt2BpeTokenizer(tokens, MERGES, types, END_OF_TEXT, END_OF_TEXT);
    }

    private final Gpt2BpeTokenizer tokenizer = tinyTokenizer();

    @Test
    void encode_word_mergesDownToOneToken() {
        assertThat(tokenizer.encode("hello")).containsExactly(HELLO);
    }

    @Test
    void encode_lowerRankMergesFirst_evenWhenFurtherRight() {
        // "l l" (rank 0) beats "e l" (rank 6) although "e l" is further left.
        assertThat(tokenizer.encode("ell")).containsExactly('e', LL);
        assertThat(tokenizer.encode("hel")).containsExactly(HE, 'l');
    }

    @Test
    void encode_equalRanks_mergeLeftmostFirst() {
        assertThat(tokenizer.encode("lll")).containsExactly(LL, 'l');
        assertThat(tokenizer.encode("llll")).containsExactly(LL, LL);
    }

    @Test
    void encode_twoWords_mergesWithinEachPreTokenizedWord() {
        assertThat(tokenizer.encode("Hello world"))
                .containsExactly('H', 'e', LL, 'o', SPACE_WO, 'r', 'l', 'd');
        assertThat(tokenizer.encode("w w")).containsExactly('w', SPACE_W);
    }

    @Test
    void encode_mergeResultMissingFromVocabulary_keepsTheByteTokens() {
        assertThat(tokenizer.encode("xy")).containsExactly('x', 'y');
    }

    @Test
    void encode_contraction_isItsOwnWord() {
        assertThat(tokenizer.encode("it's")).containsExactly('i', 't', APOSTROPHE_S);
    }

    @Test
    void encode_controlTokenText_isEncodedAsBytes() {
        int[] tokens = tokenizer.encode("<|endoftext|>");

        assertThat(tokens).doesNotContain(END_OF_TEXT).hasSize("<|endoftext|>".length());
    }

    @Test
    void encode_emptyText_givesNoTokens() {
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.addsDummyPrefix()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello world", "Grüße aus München", "Привет, мир!", "こんにちは世界 你好",
            "Γειά σου Κόσμε", "emoji 🦙🚀 👩‍👩‍👧 done", "  multiple   spaces\n\n\ttabs ", "it's 42 times!!",
            "x"})
    void decode_ofEncode_isTheText(String text) {
        int[] tokens = tokenizer.encode(text);

        assertThat(tokenizer.decode(tokens)).isEqualTo(text);
        assertThat(tokenizer.decodeText(tokens)).isEqualTo(text);
    }

    @Test
    void encode_emoji_isItsFourUtf8Bytes() {
        // Byte tokens 0..255 have id == byte value in this vocabulary.
        assertThat(tokenizer.encode("🦙")).containsExactly(0xF0, 0x9F, 0xA6, 0x99);
    }

    @Test
    void tokenBytes_mapsByteLevelCharactersBack() {
        assertThat(tokenizer.piece(' ')).isEqualTo("Ġ");
        assertThat(tokenizer.piece('\n')).isEqualTo("Ċ");
        assertThat(tokenizer.tokenBytes(SPACE_W)).isEqualTo(" w".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.tokenBytes('\n')).containsExactly('\n');
        assertThat(tokenizer.tokenBytes(0xF0)).containsExactly(0xF0);
        assertThat(tokenizer.tokenBytes(END_OF_TEXT)).isEmpty();
        assertThat(tokenizer.decode(new int[] {HELLO, SPACE_WO, 'r', 'l', 'd', END_OF_TEXT})).isEqualTo("hello world");
    }

    @Test
    void find_looksUpByteLevelPieces() {
        assertThat(tokenizer.find("Ġwo")).hasValue(SPACE_WO);
        assertThat(tokenizer.find(" wo")).isEmpty();
        assertThat(tokenizer.tokenType(END_OF_TEXT)).isEqualTo(TokenType.CONTROL);
    }

    @Test
    void preTokenize_splitsLikeGpt2Regex() {
        assertThat(Gpt2BpeTokenizer.preTokenize("it's 42 times!!  ok\n"))
                .containsExactly("it", "'s", " 42", " times", "!!", " ", " ok", "\n");
        assertThat(Gpt2BpeTokenizer.preTokenize("日本語🦙 x")).containsExactly("日本語", "🦙", " x");
    }

    @Test
    void constructor_malformedMerge_saysWhatWasExpected() {
        List<String> tokens = List.of("a", "b");
        TokenType[] types = {TokenType.NORMAL, TokenType.NORMAL};

        assertThatThrownBy(() -> new Gpt2BpeTokenizer(tokens, List.of("a b", "ab"), types, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.merges[1] \"ab\" (expected: two pieces separated by one space)");
    }

    @Test
    void byteLevelTable_isAOneToOneMapOfAllBytes() {
        Set<Character> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = Gpt2ByteLevel.toChar((byte) b);
            chars.add(c);
            assertThat(Gpt2ByteLevel.toByte(c)).isEqualTo(b);
        }
        assertThat(chars).hasSize(256);
        assertThat(Gpt2ByteLevel.toChar((byte) 'A')).isEqualTo('A');
        assertThat(Gpt2ByteLevel.toChar((byte) ' ')).isEqualTo('\u0120');
        assertThat(Gpt2ByteLevel.toChar((byte) 0xAD)).isEqualTo('\u0143');
        assertThat(Gpt2ByteLevel.toByte('€')).isEqualTo(-1);
    }
}
