package dev.specula.engine.train.tokenizer;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer splits words exactly as {@link Gpt2BpeTokenizer} does. The engine's regex is private, so it is
 * read reflectively: a change there fails this test instead of silently training on other words.
 */
class Gpt2PreTokenizerTest {

    private static final List<String> TEXTS = List.of("Hello world, it's 2024!", "  two  spaces  \n\n",
            "Grüße aus München", "こんにちは世界。你好", "Привет, мир! Γειά σου", "I love 🦙 llamas\t\tok",
            "x1y22 z333 don't we'll", "");

    @Test
    void pattern_sameAsEngines() throws ReflectiveOperationException {
        Field field = Gpt2BpeTokenizer.class.getDeclaredField("PRE_TOKENIZER");
        field.setAccessible(true);
        Pattern engine = (Pattern) field.get(null);

        assertThat(Gpt2PreTokenizer.PATTERN.pattern()).isEqualTo(engine.pattern());
        assertThat(Gpt2PreTokenizer.PATTERN.flags()).isEqualTo(engine.flags());
    }

    @Test
    @SuppressWarnings("unchecked")
    void split_mixedTexts_sameWordsAsEngine() throws ReflectiveOperationException {
        Method preTokenize = Gpt2BpeTokenizer.class.getDeclaredMethod("preTokenize", String.class);
        preTokenize.setAccessible(true);
        for (String text : TEXTS) {
            List<String> words = new ArrayList<>();
            Gpt2PreTokenizer.split(text, words::add);

            assertThat(words).as(text).isEqualTo((List<String>) preTokenize.invoke(null, text));
            assertThat(String.join("", words)).isEqualTo(text);
        }
    }

    @Test
    void split_sentence_spaceStaysWithTheFollowingWord() {
        List<String> words = new ArrayList<>();
        Gpt2PreTokenizer.split("the cat's  hat", words::add);

        assertThat(words).containsExactly("the", " cat", "'s", " ", " hat");
    }
}
