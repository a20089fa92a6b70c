package dev.specula.engine.train.tokenizer;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.engine.tokenizer.TokenType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trainer's copy of {@code bytes_to_unicode} agrees with the engine's, checked through the engine's public API. */
class ByteLevelAlphabetTest {

    /** Token i is the piece for byte i, no merges. */
    private static Gpt2BpeTokenizer bytesOnly() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelAlphabet.toChar(b)));
        }
        TokenType[] types = new TokenType[256];
        Arrays.fill(types, TokenType.NORMAL);
        return new Gpt2BpeTokenizer(tokens, List.of(), types, 0, 0);
    }

    @Test
    void toChar_everyByte_engineDecodesTheSameByte() {
        Gpt2BpeTokenizer tokenizer = bytesOnly();
        for (int b = 0; b < 256; b++) {
            assertThat(tokenizer.tokenBytes(b)).as("byte 0x%02X", b).containsExactly((byte) b);
        }
    }

    @Test
    void toChar_everyByteOfValidUtf8_engineEncodesToThatBytesPiece() {
        // tokenBytes alone cannot tell 'Ġ' from ' ' (both give 0x20); encode looks up the engine's char.
        Gpt2BpeTokenizer tokenizer = bytesOnly();
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < 0x80; c++) {
            text.append((char) c);
        }
        text.append("é€😀\u07FF\uFFFD");
        byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
        int[] expected = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            expected[i] = utf8[i] & 0xFF;
        }

        assertThat(tokenizer.encode(text.toString())).containsExactly(expected);
    }

    @Test
    void toChar_spaceAndNewline_areGptTwosPieces() {
        assertThat(ByteLevelAlphabet.toChar(' ')).isEqualTo('Ġ');
        assertThat(ByteLevelAlphabet.toChar('\n')).isEqualTo('Ċ');
        assertThat(ByteLevelAlphabet.toChar('a')).isEqualTo('a');
    }
}
