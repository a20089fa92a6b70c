package dev.specula.train.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Corpus} on a small corpus written to a temporary folder, laid out like {@code ../shared/corpus}. */
class CorpusTest {

    static final HeldOutSplit SPLIT = new HeldOutSplit(Set.of("b.html"), Set.of("chapter-02"));

    @TempDir
    Path root;

    @BeforeEach
    void writeCorpus() throws IOException {
        write("installation-guide/en.tsv", "a.html\tAlpha one.\na.html\tAlpha two.\nb.html\tBeta.\nc.html\tGamma.\n");
        write("installation-guide/zh_CN.tsv", "a.html\t甲\nb.html\t乙\n");
        write("installation-guide/ca.tsv", "a.html\tAlfa.\nc.html\tGamma.\n");
        write("installation-guide/COPYRIGHT.installation-guide.txt", "not a language\n");
        write("debian-reference/en.txt", "Title\n\nChapter 1. One\n    one\nChapter 2. Two\n    two\n");
        write("debian-reference/zh-cn.txt", "标题\n第 1 章 一\n    一\n第 2 章 二\n    二\n");
        write("debian-reference/COPYRIGHT.debian-reference.txt", "Chapter 1. not a language either\n");
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    @Test
    void load_layout_normalisesCodesAndListsSourcesPerLanguage() {
        Corpus corpus = Corpus.load(root, SPLIT);

        assertThat(corpus.languages()).containsExactly("ca", "en", "zh");
        assertThat(corpus.languages(CorpusSource.DEBIAN_REFERENCE)).containsExactly("en", "zh");
        assertThat(corpus.languages(CorpusSource.INSTALLATION_GUIDE)).containsExactly("ca", "en", "zh");
        assertThat(corpus.language("zh_CN")).isSameAs(corpus.language("zh-cn")).isSameAs(corpus.language("zh"));
        assertThat(corpus.language("en").documents()).extracting(CorpusDocument::id)
                .containsExactly("a.html", "b.html", "c.html", "front", "chapter-01", "chapter-02");
    }

    @Test
    void trainAndHeldOut_split_sameIdsHeldOutInEveryLanguageAndDisjoint() {
        Corpus corpus = Corpus.load(root, SPLIT);

        assertThat(corpus.heldOut("en")).extracting(CorpusDocument::id).containsExactly("b.html", "chapter-02");
        assertThat(corpus.heldOut("zh")).extracting(CorpusDocument::id).containsExactly("b.html", "chapter-02");
        assertThat(corpus.heldOut("ca")).isEmpty(); // ca lacks b.html and the reference
        assertThat(corpus.train("en")).extracting(CorpusDocument::id)
                .containsExactly("a.html", "c.html", "front", "chapter-01");
        assertThat(corpus.heldOutText("en")).isEqualTo("Beta.\n\nChapter 2. Two\n    two\n");
        assertThat(corpus.trainText("zh")).isEqualTo("甲\n\n标题\n\n第 1 章 一\n    一\n");
    }

    @Test
    void bytes_perSourceAndSplit_sumsUtf8BytesOfDocuments() {
        Corpus corpus = Corpus.load(root, SPLIT);

        assertThat(corpus.bytes("zh", CorpusSource.INSTALLATION_GUIDE, CorpusSplit.HELD_OUT)).isEqualTo(4); // 乙 and \n
        assertThat(corpus.bytes("en", CorpusSource.INSTALLATION_GUIDE, CorpusSplit.TRAIN))
                .isEqualTo("Alpha one.\nAlpha two.\nGamma.\n".length());
        assertThat(corpus.bytes("ca", CorpusSource.DEBIAN_REFERENCE, CorpusSplit.TRAIN)).isZero();
    }

    @Test
    void describe_table_oneRowPerLanguageWithDashForMissingBook() {
        String table = Corpus.load(root, SPLIT).describe();

        assertThat(table.lines()).hasSize(6); // header, rule, 3 languages, total
        assertThat(table).contains("| ca | 13 | 0 | - | - | 13 | 0 | 0.0 |");
        assertThat(table).contains("| en | 29 | 6 | 30 | 23 | 59 | 29 | 33.0 |");
    }

    @Test
    void load_twice_sameDocumentsAndSplit() {
        Corpus first = Corpus.load(root, SPLIT);
        Corpus second = Corpus.load(root, SPLIT);

        for (String lang : first.languages()) {
            assertThat(second.train(lang)).isEqualTo(first.train(lang));
            assertThat(second.heldOut(lang)).isEqualTo(first.heldOut(lang));
        }
    }

    @Test
    void load_missingRootOrFolder_throwsNamingThePath() throws IOException {
        Path absent = root.resolve("absent");
        assertThatThrownBy(() -> Corpus.load(absent)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(absent.toString()).hasMessageContaining("no such folder");

        Path reference = root.resolve("debian-reference");
        try (var files = Files.list(reference)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(reference);
        assertThatThrownBy(() -> Corpus.load(root)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(reference.toString()).hasMessageContaining("no such folder");
    }

    @Test
    void load_malformedLine_throwsNamingFileAndLine() throws IOException {
        write("installation-guide/de.tsv", "a.html\tGut.\na.html\tGut.\nkaputt\n");

        assertThatThrownBy(() -> Corpus.load(root)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining("de.tsv:3:").hasMessageContaining("no tab");
    }

    @Test
    void load_twoFilesOfOneLanguage_throwsNamingBoth() throws IOException {
        write("installation-guide/zh-tw.tsv", "a.html\t甲\n");

        assertThatThrownBy(() -> Corpus.load(root)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining("zh_CN.tsv").hasMessageContaining("zh-tw.tsv").hasMessageContaining("one file per language");
    }

    @Test
    void language_unknown_throwsListingKnown() {
        assertThatThrownBy(() -> Corpus.load(root, SPLIT).language("fr"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"fr\"").hasMessageContaining("[ca, en, zh]");
    }

    @Test
    void heldOutSplit_blankId_throwsNamingField() {
        assertThatThrownBy(() -> new HeldOutSplit(Set.of(" "), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guideFiles");
    }
}
