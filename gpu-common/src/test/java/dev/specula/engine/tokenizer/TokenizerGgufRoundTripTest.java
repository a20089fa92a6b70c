package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;
import dev.specula.engine.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Tokenizer#toGgufMetadata()} followed by {@link Tokenizers#fromGguf} gives the same tokenizer back. */
class TokenizerGgufRoundTripTest {

    private static final Path FILE = Path.of("model.gguf");
    private static final List<String> TEXTS = List.of("Hello world", "Grüße aus München", "Привет, мир!",
            "こんにちは世界", "你好，世界", "Γειά σου Κόσμε", "I love 🦙 llamas", "  two  spaces  ",
            "line1\nline2\n\n", "<s>not a control token</s>", "");

    @Test
    void toGgufMetadata_llama2_fromGgufEncodesIdentically() {
        SentencePieceTokenizer original = SharedFiles.llama2();

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(original.toGgufMetadata()), FILE);

        assertThat(copy).isInstanceOf(SentencePieceTokenizer.class);
        assertThat(copy.vocabSize()).isEqualTo(32000);
        assertThat(copy.bosId()).isEqualTo(1);
        assertThat(copy.eosId()).isEqualTo(2);
        for (String text : TEXTS) {
            assertThat(copy.encode(text)).as(text).containsExactly(original.encode(text));
            assertThat(copy.decode(copy.encode(text))).as(text).isEqualTo(original.decode(original.encode(text)));
        }
        for (int t = 0; t < original.vocabSize(); t++) {
            assertThat(copy.piece(t)).isEqualTo(original.piece(t));
            assertThat(copy.tokenType(t)).isEqualTo(original.tokenType(t));
        }
    }

    @Test
    void toGgufMetadata_llama2_hasLlamaCppKeysAndTypes() {
        Map<String, GgufValue> m = SharedFiles.llama2().toGgufMetadata();
        GgufMetadata metadata = new GgufMetadata(m);

        assertThat(metadata.getString("tokenizer.ggml.model")).isEqualTo("llama");
        assertThat(metadata.getStringArray("tokenizer.ggml.tokens")).hasSize(32000).element(15043)
                .isEqualTo("▁Hello");
        assertThat(metadata.getFloatArray("tokenizer.ggml.scores")).hasSize(32000);
        assertThat(metadata.getArray("tokenizer.ggml.token_type").elementType()).isEqualTo(GgufValueType.INT32);
        int[] types = metadata.getIntArray("tokenizer.ggml.token_type");
        assertThat(types[0]).isEqualTo(2);
        assertThat(types[1]).isEqualTo(3);
        assertThat(types[2]).isEqualTo(3);
        assertThat(types[3]).isEqualTo(6);
        assertThat(types[15043]).isEqualTo(1);
        // The same counts as SentencePiece's own piece types for Llama 2.
        assertThat(Arrays.stream(types).filter(t -> t == 6).count()).isEqualTo(256);
        assertThat(Arrays.stream(types).filter(t -> t == 1).count()).isEqualTo(31741);
        assertThat(m.get("tokenizer.ggml.bos_token_id")).isEqualTo(new GgufValue(GgufValueType.UINT32, 1));
        assertThat(m.get("tokenizer.ggml.eos_token_id")).isEqualTo(new GgufValue(GgufValueType.UINT32, 2));
        assertThat(m.get("tokenizer.ggml.unknown_token_id")).isEqualTo(new GgufValue(GgufValueType.UINT32, 0));
    }

    @Test
    void toGgufMetadata_stories260k_fromGgufEncodesIdentically() {
        SentencePieceTokenizer original = SharedFiles.stories260k();

        SentencePieceTokenizer copy = SentencePieceTokenizer.fromGguf(new GgufMetadata(original.toGgufMetadata()));

        for (String text : TEXTS) {
            assertThat(copy.encode(text)).as(text).containsExactly(original.encode(text));
        }
    }

    @Test
    void toGgufMetadata_gpt2_fromGgufEncodesIdentically() {
        Gpt2BpeTokenizer original = Gpt2BpeTokenizerTest.tinyTokenizer();

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(original.toGgufMetadata()), FILE);

        assertThat(copy).isInstanceOf(Gpt2BpeTokenizer.class);
        assertThat(((Gpt2BpeTokenizer) copy).merges()).isEqualTo(original.merges());
        assertThat(copy.bosId()).isEqualTo(original.bosId());
        for (String text : TEXTS) {
            assertThat(copy.encode(text)).as(text).containsExactly(original.encode(text));
        }
        assertThat(original.toGgufMetadata().get("tokenizer.ggml.model").value()).isEqualTo("gpt2");
        assertThat(original.toGgufMetadata()).doesNotContainKey("tokenizer.ggml.scores");
    }

    @Test
    void fromGguf_unknownModel_namesValueAndSupportedOnes() {
        GgufMetadata metadata = new GgufMetadata(Map.of("tokenizer.ggml.model",
                new GgufValue(GgufValueType.STRING, "bert")));

        assertThatThrownBy(() -> Tokenizers.fromGguf(metadata, FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("\"bert\"")
                .hasMessageContaining("\"llama\", \"gpt2\"");
    }

    @Test
    void fromGguf_noModelKey_saysWhatIsExpected() {
        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(Map.of()), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf: no tokenizer.ggml.model");
    }

    @Test
    void fromGguf_llamaWithoutScores_namesFileAndKey() {
        Map<String, GgufValue> m = new HashMap<>(SharedFiles.stories260k().toGgufMetadata());
        m.remove("tokenizer.ggml.scores");

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.scores");
    }

    @Test
    void fromGguf_llamaWithShortTypeArray_saysExpectedLength() {
        Map<String, GgufValue> m = new HashMap<>(SharedFiles.stories260k().toGgufMetadata());
        m.put("tokenizer.ggml.token_type", TokenizerGguf.typeArray(new TokenType[] {TokenType.NORMAL}));

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.token_type has 1 entries but tokenizer.ggml.tokens has 512"
                        + " (expected: one per token)");
    }

    @Test
    void fromGguf_llamaWithoutTokenTypes_infersThem() {
        SentencePieceTokenizer original = SharedFiles.stories260k();
        Map<String, GgufValue> m = new HashMap<>(original.toGgufMetadata());
        m.remove("tokenizer.ggml.token_type");

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(m), FILE);

        for (int t = 0; t < original.vocabSize(); t++) {
            assertThat(copy.tokenType(t)).isEqualTo(original.tokenType(t));
        }
    }

    @Test
    void fromGguf_gpt2WithUnknownPreTokenizer_namesFileValueAndTheImplementedOnes() {
        Map<String, GgufValue> m = new HashMap<>(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata());
        m.put("tokenizer.ggml.pre", new GgufValue(GgufValueType.STRING, "deepseek-coder"));

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.pre is \"deepseek-coder\"")
                .hasMessageContaining("llama-bpe, llama-v3, llama3, phi-2, qwen2");
    }

    @Test
    void fromGguf_gpt2WithShortTypeArray_namesBothKeys() {
        Map<String, GgufValue> m = new HashMap<>(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata());
        m.put("tokenizer.ggml.token_type", TokenizerGguf.typeArray(new TokenType[] {TokenType.NORMAL}));

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.token_type has 1 entries but tokenizer.ggml.tokens has 265");
    }

    @Test
    void fromGguf_llamaWithShortScores_namesBothKeys() {
        Map<String, GgufValue> m = new HashMap<>(SharedFiles.stories260k().toGgufMetadata());
        m.put("tokenizer.ggml.scores", TokenizerGguf.floatArray(new float[511]));

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.scores has 511 entries but tokenizer.ggml.tokens has 512");
    }

    @Test
    void fromGguf_gpt2WithUnknownTokenType_namesTheEntry() {
        Map<String, GgufValue> m = new HashMap<>(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata());
        List<Object> types = new java.util.ArrayList<>(
                ((GgufValue.GgufArray) m.get("tokenizer.ggml.token_type").value()).elements());
        types.set(7, 9);
        m.put("tokenizer.ggml.token_type", new GgufValue(GgufValueType.ARRAY,
                new GgufValue.GgufArray(GgufValueType.INT32, types)));

        assertThatThrownBy(() -> Tokenizers.fromGguf(new GgufMetadata(m), FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.gguf")
                .hasMessageContaining("tokenizer.ggml.token_type[7]: token type 9 (expected: 0..6");
    }

    @Test
    void fromGguf_preTokenizerAndFlags_readAndWrittenBack() {
        Map<String, GgufValue> m = new HashMap<>(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata());
        m.put("tokenizer.ggml.pre", TokenizerGguf.string("qwen2"));
        m.put("tokenizer.ggml.add_bos_token", TokenizerGguf.bool(false));
        m.put("tokenizer.ggml.add_eos_token", TokenizerGguf.bool(true));

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(m), FILE);
        Map<String, GgufValue> written = copy.toGgufMetadata();

        assertThat(((Gpt2BpeTokenizer) copy).preTokenizer()).isEqualTo(PreTokenizer.QWEN2);
        assertThat(copy.addsBos()).isFalse();
        assertThat(copy.addsEos()).isTrue();
        assertThat(written.get("tokenizer.ggml.pre").value()).isEqualTo("qwen2");
        assertThat(written.get("tokenizer.ggml.add_bos_token")).isEqualTo(TokenizerGguf.bool(false));
        assertThat(written.get("tokenizer.ggml.add_eos_token")).isEqualTo(TokenizerGguf.bool(true));
    }

    @Test
    void toGgufMetadata_specula_family_tokenizersExpectBos() {
        assertThat(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata().get("tokenizer.ggml.add_bos_token"))
                .isEqualTo(new GgufValue(GgufValueType.BOOL, true));
        assertThat(SharedFiles.stories260k().toGgufMetadata().get("tokenizer.ggml.add_bos_token"))
                .isEqualTo(new GgufValue(GgufValueType.BOOL, true));
    }

    @Test
    void fromGguf_llamaWithoutSpacePrefix_encodesWithoutDummySpace() {
        Map<String, GgufValue> m = new HashMap<>(SharedFiles.stories260k().toGgufMetadata());
        m.put("tokenizer.ggml.add_space_prefix", TokenizerGguf.bool(false));

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(m), FILE);

        assertThat(copy.addsDummyPrefix()).isFalse();
        assertThat(copy.decode(copy.encode("Once upon a time"))).isEqualTo("Once upon a time");
        assertThat(SharedFiles.stories260k().decode(SharedFiles.stories260k().encode("Once upon a time")))
                .isEqualTo(" Once upon a time");
    }

    @Test
    void fromGguf_llamaLoaderGivenGpt2Metadata_saysWhichModelItExpected() {
        GgufMetadata metadata = new GgufMetadata(Gpt2BpeTokenizerTest.tinyTokenizer().toGgufMetadata());

        assertThatThrownBy(() -> SentencePieceTokenizer.fromGguf(metadata, FILE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.ggml.model is \"gpt2\" (expected: \"llama\")");
    }
}
