package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real 32k Llama 2 vocabulary (llama2.c's {@code tokenizer.bin}). The expected ids are what
 * SentencePiece 0.2 gives with Llama 2's {@code tokenizer.model} for the same strings.
 */
class SentencePieceTokenizerLlama2Test {

    private static SentencePieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = SharedFiles.llama2();
    }

    static Stream<Arguments> sentencePieceEncodings() {
        return Stream.of(
                Arguments.of("Hello world", new int[] {15043, 3186}),
                Arguments.of("Hello", new int[] {15043}),
                Arguments.of("a", new int[] {263}),
                Arguments.of("Grüße aus München", new int[] {1632, 29993, 5831, 1770, 10864}),
                Arguments.of("Привет, мир!", new int[] {7203, 7616, 29892, 4157, 29927, 29991}),
                Arguments.of("こんにちは世界", new int[] {29871, 30589, 30389, 30353, 30644, 30449, 30793, 30967}),
                Arguments.of("你好，世界", new int[] {29871, 30919, 31076, 30214, 30793, 30967}),
                Arguments.of("Γειά σου Κόσμε", new int[] {29871, 30339, 30151, 30136, 30216, 29871, 30164, 30123,
                        30192, 29871, 30314, 30228, 30164, 30167, 30151}),
                Arguments.of("I love 🦙 llamas", new int[] {306, 5360, 29871, 243, 162, 169, 156, 11829, 294}),
                Arguments.of("  two  spaces  ", new int[] {259, 1023, 29871, 8162, 259}),
                Arguments.of("line1\nline2\n\n", new int[] {1196, 29896, 13, 1220, 29906, 13, 13}),
                Arguments.of(" leading", new int[] {29871, 8236}),
                Arguments.of("trailing ", new int[] {25053, 29871}),
                Arguments.of("   ", new int[] {268}),
                Arguments.of("\n", new int[] {29871, 13}),
                Arguments.of("tab\there", new int[] {4434, 12, 4150}),
                Arguments.of("The quick brown fox jumps over the lazy dog.",
                        new int[] {450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278, 17366, 11203, 29889}),
                Arguments.of("Mixed: English, Deutsch (Äpfel), русский, 日本語, 中文, ελληνικά 🦙🚀!",
                        new int[] {341, 11925, 29901, 4223, 29892, 4493, 313, 30125, 7810, 295, 511, 14251, 2542,
                                29892, 29871, 30325, 30346, 30968, 29892, 29871, 30275, 30333, 29892, 29871, 30151,
                                30142, 30142, 30183, 30133, 30136, 30173, 30216, 29871, 243, 162, 169, 156, 243,
                                162, 157, 131, 29991}));
    }

    @ParameterizedTest
    @MethodSource("sentencePieceEncodings")
    void encode_matchesSentencePiece(String text, int[] expected) {
        assertThat(tokenizer.encode(text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello world", "Grüße aus München, schöne Äpfel", "Привет, мир!", "こんにちは世界",
            "你好，世界", "Γειά σου Κόσμε", "I love 🦙 llamas 🚀👩‍👩‍👧", "Mixed: Deutsch, русский, 日本語 🦙!",
            " leading", "trailing ", "  multiple   spaces  ", "line1\nline2\n\n", "\ttab\r\n", "x"})
    void decode_ofEncode_isTextWithDummyPrefixSpace(String text) {
        int[] tokens = tokenizer.encode(text);

        assertThat(tokenizer.decode(tokens)).isEqualTo(" " + text);
        assertThat(tokenizer.decodeText(tokens)).isEqualTo(text);
    }

    @Test
    void encode_emptyText_givesNoTokensAndNoDummyPrefix() {
        assertThat(tokenizer.encode("")).isEmpty();
        assertThat(tokenizer.decodeText(new int[0])).isEmpty();
    }

    @Test
    void encode_llamaEmoji_goesThroughUtf8BytePieces() {
        int[] tokens = tokenizer.encode("🦙");

        assertThat(tokens).containsExactly(29871, 243, 162, 169, 156);
        assertThat(tokenizer.piece(243)).isEqualTo("<0xF0>");
        assertThat(tokenizer.tokenType(243)).isEqualTo(TokenType.BYTE);
        assertThat(tokenizer.tokenBytes(243)).containsExactly(0xF0);
        // Only the whole byte sequence is a character; decode must not split it per token.
        assertThat(tokenizer.decode(tokens)).isEqualTo(" 🦙");
    }

    @Test
    void pieces_areInSentencePieceForm() {
        assertThat(tokenizer.vocabSize()).isEqualTo(32000);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.unknownId()).isZero();
        assertThat(tokenizer.piece(15043)).isEqualTo("▁Hello");
        assertThat(tokenizer.piece(1)).isEqualTo("<s>");
        assertThat(tokenizer.piece(2)).isEqualTo("</s>");
        assertThat(tokenizer.find("▁Hello")).hasValue(15043);
        assertThat(tokenizer.find(" Hello")).hasValue(15043);
        assertThat(tokenizer.find("<0x0A>")).hasValue(13);
        assertThat(tokenizer.find("no such piece")).isEmpty();
        assertThat(tokenizer.score(29871)).isEqualTo(-1e9f);
    }

    @Test
    void tokenBytes_controlTokensAreEmptyAndSpaceMarkIsSpace() {
        assertThat(tokenizer.tokenBytes(1)).isEmpty();
        assertThat(tokenizer.tokenBytes(2)).isEmpty();
        assertThat(tokenizer.tokenBytes(15043)).isEqualTo(" Hello".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.tokenBytes(13)).containsExactly('\n');
        assertThat(tokenizer.decode(new int[] {1, 15043, 3186, 2})).isEqualTo(" Hello world");
    }

    @Test
    void decode_unknownToken_givesSentencePieceSurface() {
        assertThat(tokenizer.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(tokenizer.decode(new int[] {15043, 0, 3186})).isEqualTo(" Hello ⁇  world");
    }

    @Test
    void encode_controlTokenText_isEncodedAsPlainCharacters() {
        assertThat(tokenizer.encode("<s>Hi</s>")).doesNotContain(1, 2);
        assertThat(tokenizer.decodeText(tokenizer.encode("<s>Hi</s>"))).isEqualTo("<s>Hi</s>");
    }

    @Test
    void encode_longText_roundTrips() {
        String text = "Once upon a time, in a land far away 🦙, there lived a llama. ".repeat(500);

        assertThat(tokenizer.decodeText(tokenizer.encode(text))).isEqualTo(text);
    }
}
