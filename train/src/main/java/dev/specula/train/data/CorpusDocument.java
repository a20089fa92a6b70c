package dev.specula.train.data;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One whole document of the corpus: a source html file of the Installation Guide (its paragraphs, one a line)
 * or a chapter of the Debian Reference. Documents are the unit of the held-out split.
 *
 * @param id     the same in every language: the html file name ({@code ch04s05.html}) for the guide, the
 *               chapter ({@code chapter-08}, {@code appendix-A}, {@code front}) for the reference
 * @param source the book it comes from
 * @param text   the text, lines ending in {@code \n}
 */
public record CorpusDocument(String id, CorpusSource source, String text) {

    public CorpusDocument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: " + (id == null ? "null" : "blank") + " (expected: a document id)");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("text of " + id + ": empty (expected: at least one character)");
        }
    }

    /** The size of the text in UTF-8 bytes, the unit of the corpus size tables. */
    public long bytes() {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
