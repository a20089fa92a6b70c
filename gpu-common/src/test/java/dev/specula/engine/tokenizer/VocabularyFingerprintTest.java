package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabularyFingerprintTest {

    @Test
    void of_sameVocabulary_sameFingerprint() {
        assertThat(VocabularyFingerprint.of(ByteVocabulary.tokenizer(320)))
                .isEqualTo(VocabularyFingerprint.of(ByteVocabulary.tokenizer(320)))
                .startsWith("sha256:").hasSize("sha256:".length() + 32);
    }

    @Test
    void of_differentSize_differentFingerprint() {
        assertThat(VocabularyFingerprint.of(ByteVocabulary.tokenizer(320)))
                .isNotEqualTo(VocabularyFingerprint.of(ByteVocabulary.tokenizer(321)));
    }

    @Test
    void tokenDigests_fourBytesPerToken() {
        assertThat(VocabularyFingerprint.tokenDigests(ByteVocabulary.tokenizer(320))).hasSize(320 * 4);
    }

    @Test
    void firstDifferingId_sameTokensOnSharedIds_noneEitherWay() {
        ByteBuffer small = digests(ByteVocabulary.tokenizer(320));
        ByteBuffer large = digests(ByteVocabulary.tokenizer(400));

        assertThat(VocabularyFingerprint.firstDifferingId(small, large)).isEmpty();
        assertThat(VocabularyFingerprint.firstDifferingId(large, small)).isEmpty();
        assertThat(small.position()).isZero();
    }

    @Test
    void firstDifferingId_oneTokenChanged_namesIt() {
        ByteBuffer target = digests(ByteVocabulary.tokenizer(400));
        ByteBuffer drafter = digests(changed(ByteVocabulary.tokenizer(320), 300, "<other>"));

        assertThat(VocabularyFingerprint.firstDifferingId(target, drafter)).hasValue(300);
    }

    @Test
    void firstDifferingId_sameTextOtherType_namesIt() {
        SentencePieceTokenizer base = ByteVocabulary.tokenizer(320);
        TokenType[] types = types(base);
        types[5] = TokenType.NORMAL; // was BYTE <0x02>
        SentencePieceTokenizer other = new SentencePieceTokenizer(pieces(base), new float[320], types, 1, 2, 0);

        assertThat(VocabularyFingerprint.firstDifferingId(digests(base), digests(other))).hasValue(5);
    }

    @Test
    void firstDifferingId_partialDigest_namesTheBuffer() {
        assertThatThrownBy(() -> VocabularyFingerprint.firstDifferingId(ByteBuffer.allocate(8), ByteBuffer.allocate(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("drafter token digests: 6 bytes (expected: 4 per token)");
    }

    @Test
    void firstDifferingId_qwenFamilySizes_agreeOnSharedIds() {
        // Qwen2.5-0.5B and -7B: the same tokens, 151,936 and 152,064 entries; the ids past 151,643 are added tokens
        // and padding. A shorter vocabulary is a prefix of the longer one's digests.
        byte[] qwen = VocabularyFingerprint.tokenDigests(LlamaCppVocabFixtures.tokenizer("qwen2"));
        ByteBuffer shorter = ByteBuffer.wrap(Arrays.copyOf(qwen, 151_665 * 4));
        byte[] broken = qwen.clone();
        broken[100_000 * 4] ^= 1;

        assertThat(VocabularyFingerprint.firstDifferingId(ByteBuffer.wrap(qwen), shorter)).isEmpty();
        assertThat(VocabularyFingerprint.firstDifferingId(ByteBuffer.wrap(broken), shorter)).hasValue(100_000);
    }

    private static ByteBuffer digests(Tokenizer tokenizer) {
        return ByteBuffer.wrap(VocabularyFingerprint.tokenDigests(tokenizer));
    }

    private static SentencePieceTokenizer changed(SentencePieceTokenizer base, int id, String piece) {
        List<String> pieces = pieces(base);
        pieces.set(id, piece);
        return new SentencePieceTokenizer(pieces, new float[pieces.size()], types(base), 1, 2, 0);
    }

    private static List<String> pieces(Tokenizer t) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < t.vocabSize(); i++) {
            pieces.add(t.piece(i));
        }
        return pieces;
    }

    private static TokenType[] types(Tokenizer t) {
        TokenType[] types = new TokenType[t.vocabSize()];
        for (int i = 0; i < types.length; i++) {
            types[i] = t.tokenType(i);
        }
        return types;
    }
}
