package dev.specula.engine.generate;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.engine.tokenizer.Gpt2ByteLevel;
import dev.specula.engine.tokenizer.PreTokenizer;
import dev.specula.engine.tokenizer.TokenType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A prompt gets BOS in front where the model asks for it (add_bos_token), and an empty prompt always. */
class GeneratorPromptTest {

    /** The 256 byte tokens, then BOS (256) and EOS (257); no merges. */
    private static Gpt2BpeTokenizer bytes(boolean addBos) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(Gpt2ByteLevel.encode(new byte[] {(byte) b}));
        }
        tokens.add("<s>");
        tokens.add("</s>");
        TokenType[] types = new TokenType[tokens.size()];
        Arrays.fill(types, TokenType.NORMAL);
        types[256] = TokenType.CONTROL;
        types[257] = TokenType.CONTROL;
        return new Gpt2BpeTokenizer(tokens, List.of(), types, 256, 257, -1, PreTokenizer.QWEN2, addBos, false);
    }

    @Test
    void promptTokens_modelAsksForBos_bosFirst() {
        assertThat(new Generator(null, bytes(true)).promptTokens("Hi")).containsExactly(256, 'H', 'i');
    }

    @Test
    void promptTokens_modelWithoutBos_textAlone_emptyPromptStillBos() {
        Generator generator = new Generator(null, bytes(false));
        assertThat(generator.promptTokens("Hi")).containsExactly('H', 'i');
        assertThat(generator.promptTokens("")).containsExactly(256);
    }
}
