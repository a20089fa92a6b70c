package dev.specula.train.data;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which whole documents are held out, by document id, so that the same documents are held out in every
 * language: a document's id is the same in every translation.
 *
 * @param guideFiles        Installation Guide source html files held out, e.g. {@code ch04s05.html}
 * @param referenceChapters Debian Reference chapters held out, e.g. {@code chapter-08}
 */
public record HeldOutSplit(Set<String> guideFiles, Set<String> referenceChapters) {

    /**
     * The split of the Debian corpus in {@code ../shared/corpus}. A fixed list rather than a rule (a hash, every
     * n-th file) so that it stays the same when a file is added or a translation lacks one.
     * <p>Guide: 9 of the 88 source files (about 10%), one section from each chapter but the sixth (whose
     * {@code ch06s03.html} alone is a fifth of the book) and two from the appendices, each present in all 19
     * languages; none of the license ({@code apf.html}, English in every translation). About 10% of the
     * guide's bytes, 26 KB even in Chinese.
     * <p>Reference: chapters 8 (I18N and L10N) and 11 (data conversion), about 10% of the book's bytes.
     */
    public static final HeldOutSplit DEFAULT = new HeldOutSplit(
            Set.of("ch01s02.html", "ch02s04.html", "ch03s05.html", "ch04s05.html", "ch05s02.html", "ch07s02.html",
                    "ch08s02.html", "apbs03.html", "apds04.html"),
            Set.of(ReferenceReader.chapterId(8), ReferenceReader.chapterId(11)));

    public HeldOutSplit {
        guideFiles = sortedCopy(guideFiles, "guideFiles");
        referenceChapters = sortedCopy(referenceChapters, "referenceChapters");
    }

    /** Whether {@code document} is held out: its id is listed for its source. */
    public boolean isHeldOut(CorpusDocument document) {
        return switch (document.source()) {
            case INSTALLATION_GUIDE -> guideFiles.contains(document.id());
            case DEBIAN_REFERENCE -> referenceChapters.contains(document.id());
        };
    }

    /** The side of the split {@code document} is on. */
    public CorpusSplit splitOf(CorpusDocument document) {
        return isHeldOut(document) ? CorpusSplit.HELD_OUT : CorpusSplit.TRAIN;
    }

    private static Set<String> sortedCopy(Set<String> ids, String field) {
        Objects.requireNonNull(ids, field);
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException(field + ": contains a " + (id == null ? "null" : "blank")
                        + " id (expected: document ids such as ch04s05.html or chapter-08)");
            }
        }
        return Collections.unmodifiableSet(new TreeSet<>(ids));
    }
}
