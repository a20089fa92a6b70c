package dev.specula.train.data;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The documents of one language, in book order: the Installation Guide's first (if the language has it),
 * then the Debian Reference's.
 *
 * @param code      the normalised language code ({@code zh}, not {@code zh_CN}), see {@link LanguageCodes}
 * @param documents every document of the language, ids unique per source
 */
public record CorpusLanguage(String code, List<CorpusDocument> documents) {

    public CorpusLanguage {
        Objects.requireNonNull(code, "code");
        if (!code.equals(LanguageCodes.normalise(code))) {
            throw new IllegalArgumentException("code: \"" + code + "\" (expected: normalised, \""
                    + LanguageCodes.normalise(code) + "\")");
        }
        documents = List.copyOf(documents);
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("documents of " + code + ": none (expected: at least one)");
        }
        Set<String> seen = new HashSet<>();
        for (CorpusDocument document : documents) {
            if (!seen.add(document.source() + "/" + document.id())) {
                throw new IllegalArgumentException("documents of " + code + ": " + document.source() + " "
                        + document.id() + " twice (expected: unique ids per source)");
            }
        }
    }

    /** The books this language has. */
    public Set<CorpusSource> sources() {
        Set<CorpusSource> sources = EnumSet.noneOf(CorpusSource.class);
        documents.forEach(document -> sources.add(document.source()));
        return sources;
    }

    /** The documents from {@code source}, in book order; empty when the language lacks that book. */
    public List<CorpusDocument> documents(CorpusSource source) {
        return documents.stream().filter(document -> document.source() == source).toList();
    }
}
