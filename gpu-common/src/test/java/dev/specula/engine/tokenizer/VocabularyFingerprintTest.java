package dev.specula.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
