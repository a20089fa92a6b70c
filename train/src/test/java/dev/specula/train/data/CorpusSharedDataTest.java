package dev.specula.train.data;

import dev.specula.engine.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link Corpus} on the real Debian corpus in {@code ../shared/corpus}; skipped when it is absent. */
class CorpusSharedDataTest {

    static final List<String> GUIDE_LANGUAGES = List.of(
            "ca", "cs", "da", "de", "el", "en", "es", "fr", "id", "it", "ja", "ko", "nl", "pt", "ro", "ru", "sv", "vi", "zh");
    static final List<String> REFERENCE_LANGUAGES = List.of("de", "en", "es", "fr", "it", "ja", "pt", "zh");
    static final long MIN_HELD_OUT_BYTES = 20_000;

    static Path root;
    static Corpus corpus;

    @BeforeAll
    static void load() {
        Path path = SharedData.path("corpus");
        assumeTrue(Files.isDirectory(path), "needs ../shared/corpus: absent, test skipped");
        root = path;
        corpus = Corpus.load(root);
    }

    @Test
    void load_sharedCorpus_everyLanguageWithItsBooks() {
        assertThat(corpus.languages(CorpusSource.INSTALLATION_GUIDE)).containsExactlyElementsOf(GUIDE_LANGUAGES);
        assertThat(corpus.languages(CorpusSource.DEBIAN_REFERENCE)).containsExactlyElementsOf(REFERENCE_LANGUAGES);
        assertThat(corpus.languages()).containsExactlyElementsOf(GUIDE_LANGUAGES);
    }

    @Test
    void reference_everyLanguage_frontTwelveChaptersAndAppendix() {
        List<String> expected = new ArrayList<>(List.of("front"));
        IntStream.rangeClosed(1, 12).mapToObj(ReferenceReader::chapterId).forEach(expected::add);
        expected.add("appendix-A");
        for (String lang : REFERENCE_LANGUAGES) {
            assertThat(corpus.language(lang).documents(CorpusSource.DEBIAN_REFERENCE)).as(lang)
                    .extracting(CorpusDocument::id).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void split_everyLanguage_disjointAndCoversEveryByteOfEachFile() throws IOException {
        for (String lang : corpus.languages()) {
            List<CorpusDocument> train = corpus.train(lang);
            List<CorpusDocument> heldOut = corpus.heldOut(lang);
            Set<String> trainIds = new HashSet<>();
            train.forEach(d -> trainIds.add(d.source() + "/" + d.id()));
            assertThat(heldOut).as(lang).noneMatch(d -> trainIds.contains(d.source() + "/" + d.id()));
            assertThat(train.size() + heldOut.size()).as(lang).isEqualTo(corpus.language(lang).documents().size());
            if (REFERENCE_LANGUAGES.contains(lang)) {
                // The chapters are the file cut at headings, so their bytes add up to the file's.
                long reference = corpus.bytes(lang, CorpusSource.DEBIAN_REFERENCE, CorpusSplit.TRAIN)
                        + corpus.bytes(lang, CorpusSource.DEBIAN_REFERENCE, CorpusSplit.HELD_OUT);
                assertThat(reference).as(lang).isEqualTo(Files.size(referenceFile(lang)));
            }
            // Each guide line becomes its paragraph and a newline: the file minus "<source>\t" per line.
            long guide = corpus.bytes(lang, CorpusSource.INSTALLATION_GUIDE, CorpusSplit.TRAIN)
                    + corpus.bytes(lang, CorpusSource.INSTALLATION_GUIDE, CorpusSplit.HELD_OUT);
            long prefixes = Files.readAllLines(guideFile(lang), StandardCharsets.UTF_8).stream()
                    .mapToLong(line -> line.substring(0, line.indexOf('\t') + 1).getBytes(StandardCharsets.UTF_8).length).sum();
            assertThat(guide).as(lang).isEqualTo(Files.size(guideFile(lang)) - prefixes);
        }
    }

    @Test
    void heldOut_guide_sameFilesHeldOutInEveryLanguage() {
        for (String lang : GUIDE_LANGUAGES) {
            assertThat(corpus.heldOut(lang)).as(lang).filteredOn(d -> d.source() == CorpusSource.INSTALLATION_GUIDE)
                    .extracting(CorpusDocument::id).containsExactlyInAnyOrderElementsOf(HeldOutSplit.DEFAULT.guideFiles());
        }
        for (String lang : REFERENCE_LANGUAGES) {
            assertThat(corpus.heldOut(lang)).as(lang).filteredOn(d -> d.source() == CorpusSource.DEBIAN_REFERENCE)
                    .extracting(CorpusDocument::id).containsExactlyInAnyOrderElementsOf(HeldOutSplit.DEFAULT.referenceChapters());
        }
    }

    @Test
    void heldOut_everyLanguageAndBook_atLeast20KbAndAboutATenth() {
        for (String lang : corpus.languages()) {
            for (CorpusSource source : corpus.language(lang).sources()) {
                long heldOut = corpus.bytes(lang, source, CorpusSplit.HELD_OUT);
                long train = corpus.bytes(lang, source, CorpusSplit.TRAIN);
                assertThat(heldOut).as(lang + " " + source).isGreaterThanOrEqualTo(MIN_HELD_OUT_BYTES);
                assertThat((double) heldOut / (heldOut + train)).as(lang + " " + source).isBetween(0.05, 0.15);
            }
        }
    }

    @Test
    void load_twice_sameSplitAndTexts() {
        Corpus again = Corpus.load(root);
        for (String lang : List.of("en", "zh", "ja")) {
            assertThat(again.heldOutText(lang)).isEqualTo(corpus.heldOutText(lang));
            assertThat(again.trainText(lang)).isEqualTo(corpus.trainText(lang));
        }
    }

    private static Path guideFile(String lang) {
        return root.resolve("installation-guide").resolve((lang.equals("zh") ? "zh_CN" : lang) + ".tsv");
    }

    private static Path referenceFile(String lang) {
        return root.resolve("debian-reference").resolve((lang.equals("zh") ? "zh-cn" : lang) + ".txt");
    }
}
