package dev.specula.e2e;

import java.util.List;

/** The built-in multilingual prompt set of {@code specula demo} and {@code specula bench mesh}. */
public final class DemoPrompts {

    /**
     * One prompt.
     *
     * @param language the language it is written in, ISO 639-1
     * @param text     the prompt
     */
    public record Prompt(String language, String text) {
    }

    /** Stories in English (what the default target was trained on) and prompts in six other languages. */
    public static final List<Prompt> ALL = List.of(
            new Prompt("en", "Once upon a time, there was a little girl named Lily who loved to play outside."),
            new Prompt("en", "Tom and his dog went to the park. The sun was shining and"),
            new Prompt("de", "Es war einmal ein kleiner Junge, der gerne im Garten spielte."),
            new Prompt("fr", "Il était une fois une petite fille qui aimait beaucoup les fleurs du jardin."),
            new Prompt("es", "Había una vez un gato que vivía en una casa grande cerca del mar."),
            new Prompt("ru", "Жила-была маленькая девочка, которая очень любила читать книги."),
            new Prompt("ja", "昔々、小さな村に優しいおばあさんが住んでいました。"),
            new Prompt("zh", "从前有一个小男孩，他每天都去公园里和朋友们玩。"));

    private DemoPrompts() {
    }
}
