package dev.specula.engine.generate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8StreamTest {

    @Test
    void push_characterSplitOverTokens_isHeldUntilComplete() {
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8); // 4 bytes, as 4 byte-fallback tokens
        Utf8Stream stream = new Utf8Stream();
        assertThat(stream.push(new byte[] {llama[0]})).isEmpty();
        assertThat(stream.push(new byte[] {llama[1], llama[2]})).isEmpty();
        assertThat(stream.push(new byte[] {llama[3], 'a'})).isEqualTo("🦙a");
    }

    @Test
    void push_mixedScripts_emitsEveryCompleteCharacterAtOnce() {
        Utf8Stream stream = new Utf8Stream();
        byte[] text = "héllo 世界".getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (byte b : text) {
            out.append(stream.push(new byte[] {b}));
        }
        assertThat(out.toString()).isEqualTo("héllo 世界");
    }

    @Test
    void flush_unfinishedCharacter_becomesReplacementCharacter() {
        Utf8Stream stream = new Utf8Stream();
        assertThat(stream.push(new byte[] {(byte) 0xE4, (byte) 0xB8})).isEmpty();
        assertThat(stream.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void push_invalidLeadByte_isNotHeldBack() {
        assertThat(new Utf8Stream().push(new byte[] {'a', (byte) 0xFF})).isEqualTo("a\uFFFD");
    }
}
