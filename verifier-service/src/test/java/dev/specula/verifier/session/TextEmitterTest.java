package dev.specula.verifier.session;

import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TextEmitterTest {

    /** Byte pieces start at id 3 in the byte vocabulary: each token is one byte. */
    static final Tokenizer BYTES = ByteVocabulary.tokenizer(ByteVocabulary.MIN_SIZE);

    static int[] tokensOf(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            tokens[i] = 3 + (bytes[i] & 0xFF);
        }
        return tokens;
    }

    /** Pushes {@code text} token by token and returns every release, finishing at the end. */
    static List<TextEmitter.Release> feed(TextEmitter e, String text) {
        List<TextEmitter.Release> out = new ArrayList<>();
        for (int t : tokensOf(text)) {
            if (e.stopped()) {
                break;
            }
            e.push(t);
            out.add(e.drain());
        }
        e.finish();
        out.add(e.drain());
        return out;
    }

    static String text(List<TextEmitter.Release> releases) {
        StringBuilder s = new StringBuilder();
        releases.forEach(r -> s.append(r.text()));
        return s.toString();
    }

    static int tokens(List<TextEmitter.Release> releases) {
        return releases.stream().mapToInt(r -> r.tokenIds().length).sum();
    }

    @Test
    void push_multiByteCharactersOverSeveralTokens_neverSplit() {
        TextEmitter e = new TextEmitter(BYTES, List.of());
        List<TextEmitter.Release> out = feed(e, "a日本é😀b");
        for (TextEmitter.Release r : out) {
            assertThat(r.text()).doesNotContain("\uFFFD");
            assertThat(r.text().codePoints().allMatch(Character::isValidCodePoint)).isTrue();
        }
        assertThat(text(out)).isEqualTo("a日本é😀b");
        assertThat(out.get(1).text()).isEmpty(); // first byte of 日
        assertThat(out.get(3).text()).isEqualTo("日");
        assertThat(tokens(out)).isEqualTo("a日本é😀b".getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void push_stopSequence_textBeforeItOnlyAndStopped() {
        TextEmitter e = new TextEmitter(BYTES, List.of("END"));
        List<TextEmitter.Release> out = feed(e, "abcENxENDyz");
        assertThat(text(out)).isEqualTo("abcENx");
        assertThat(e.stopped()).isTrue();
        assertThat(tokens(out)).isEqualTo(6);
        assertThat(e.releasedTokens()).isEqualTo(6);
    }

    @Test
    void push_possibleStopPrefix_heldBackUntilDisproved() {
        TextEmitter e = new TextEmitter(BYTES, List.of("\n\n"));
        int[] t = tokensOf("a\nb");
        e.push(t[0]);
        assertThat(e.drain().text()).isEqualTo("a");
        e.push(t[1]);
        TextEmitter.Release held = e.drain();
        assertThat(held.text()).isEmpty();
        assertThat(held.tokenIds()).isEmpty();
        e.push(t[2]);
        TextEmitter.Release released = e.drain();
        assertThat(released.text()).isEqualTo("\nb");
        assertThat(released.tokenIds()).containsExactly(t[1], t[2]);
    }

    @Test
    void finish_heldPrefixWithoutStop_released() {
        TextEmitter e = new TextEmitter(BYTES, List.of("xyz"));
        List<TextEmitter.Release> out = feed(e, "abxy");
        assertThat(text(out)).isEqualTo("abxy");
        assertThat(tokens(out)).isEqualTo(4);
        assertThat(e.stopped()).isFalse();
    }

    @Test
    void push_stopSequenceOfMultiByteCharacter_cutBeforeIt() {
        TextEmitter e = new TextEmitter(BYTES, List.of("本"));
        List<TextEmitter.Release> out = feed(e, "日本語");
        assertThat(text(out)).isEqualTo("日");
        assertThat(tokens(out)).isEqualTo(3);
    }

    @Test
    void push_twoStopSequences_earliestWins() {
        TextEmitter e = new TextEmitter(BYTES, List.of("cd", "bcde"));
        List<TextEmitter.Release> out = feed(e, "abcdef");
        assertThat(text(out)).isEqualTo("ab");
    }

    @Test
    void finish_unfinishedCharacter_replacementLikeWholeDecode() {
        TextEmitter e = new TextEmitter(BYTES, List.of());
        e.push(tokensOf("é")[0]);
        assertThat(e.drain().text()).isEmpty();
        e.finish();
        assertThat(e.drain().text()).isEqualTo("\uFFFD");
    }
}
