package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 512-token vocabulary of stories260K: few merges, so most non-ASCII text goes through byte fallback.
 * Expected ids are those of llama2.c's {@code run.c encode} on the same file.
 */
class SentencePieceTokenizerStories260kTest {

    private static SentencePieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = SharedFiles.stories260k();
    }

    @Test
    void encode_englishSentence_matchesLlama2c() {
        assertThat(tokenizer.encode("Once upon a time, there was a little girl."))
                .containsExactly(403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 426);
    }

    @Test
    void encode_englishStory_roundTrips() {
        String text = "Once upon a time, there was a little girl named Lily. She loved to play outside.\n"
                + "One day, she saw a big, red ball!";

        assertThat(tokenizer.decodeText(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void encode_nonLatinText_roundTripsThroughByteFallback() {
        String text = "Привет 🦙 日本";
        int[] tokens = tokenizer.encode(text);

        assertThat(tokens).containsExactly(410, 211, 162, 212, 131, 211, 187, 211, 181, 211, 184, 212, 133, 410,
                243, 162, 169, 156, 410, 233, 154, 168, 233, 159, 175);
        assertThat(Arrays.stream(tokens).filter(t -> tokenizer.tokenType(t) == TokenType.BYTE).count()).isEqualTo(22);
        assertThat(tokenizer.decodeText(tokens)).isEqualTo(text);
    }

    @Test
    void encode_japaneseText_roundTripsThroughByteFallback() {
        String text = "こんにちは、世界！ Ελληνικά, Deutsch: Grüße";

        assertThat(tokenizer.decodeText(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void tokenBytes_newlineBytePiece_isNewline() {
        int newline = tokenizer.find("<0x0A>").orElseThrow();

        assertThat(newline).isEqualTo(13);
        assertThat(tokenizer.tokenBytes(newline)).containsExactly('\n');
        assertThat(tokenizer.encode("a\nb")).containsExactly(261, 13, 430);
    }

    @Test
    void vocabulary_hasAllBytePiecesAndSpecialTokens() {
        assertThat(tokenizer.vocabSize()).isEqualTo(512);
        assertThat(tokenizer.piece(1)).isEqualTo("<s>");
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        for (int b = 0; b < 256; b++) {
            assertThat(tokenizer.tokenType(3 + b)).isEqualTo(TokenType.BYTE);
            assertThat(tokenizer.tokenBytes(3 + b)).containsExactly(b);
        }
    }
}
