package dev.specula.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceReaderTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("xx.txt"), content, StandardCharsets.UTF_8);
    }

    @Test
    void read_book_frontThenChaptersThenAppendixCoveringEveryLine() throws IOException {
        String text = """
                Debian Reference

                Table of Contents

                1. Tutorials
                    1.1. Console basics
                2. Packages
                A. Appendix

                Chapter 1. Tutorials

                    Chapter 2. mentioned in the indented body is no heading.

                1.1. Console basics

                    Body.
                Chapter 2. Packages

                    More body.

                Appendix A. Appendix

                    Background.
                """;
        Path file = write(text);

        List<CorpusDocument> documents = ReferenceReader.read(file);

        assertThat(documents).extracting(CorpusDocument::id).containsExactly("front", "chapter-01", "chapter-02", "appendix-A");
        assertThat(documents.get(1).text()).startsWith("Chapter 1. Tutorials\n").contains("1.1. Console basics").endsWith("    Body.\n");
        assertThat(documents.get(3).text()).isEqualTo("Appendix A. Appendix\n\n    Background.\n");
        assertThat(String.join("", documents.stream().map(CorpusDocument::text).toList())).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Kapitel 1. Lehrstunde|Kapitel 2. Paketmanagement|Anhang A. Anhang",
            "Chapitre 1. Didacticiels|Chapitre 2. Gestion|Annexe A. Annexe",
            "Capítulo 1. Tutoriales|Capítulo 2. Gestión|Apéndice A. Apéndice",
            "Capitolo 1. Tutorial|Capitolo 2. Gestione|Appendice A. Appendice",
            "Capítulo 1. Manuais|Capítulo 2. Gestão|Apêndice A. Apêndice",
            "第1章 GNU/Linux チュートリアル|第2章システム|付録A 補遺",
            "第 1 章 GNU/Linux 教程|第 2 章 软件包管理|附录 A. 附录"})
    void read_headingsOfEachLanguage_splitIntoChapters(String first, String second, String appendix) throws IOException {
        Path file = write(first + "\n    body\n" + second + "\n    body\n" + appendix + "\n    body\n");

        assertThat(ReferenceReader.read(file)).extracting(CorpusDocument::id)
                .containsExactly("chapter-01", "chapter-02", "appendix-A");
    }

    @Test
    void read_skippedChapterNumber_throwsNamingLine() throws IOException {
        // A skipped number means a body line was taken for a heading or a heading was missed.
        Path file = write("第 1 章 教程\n    正文\n第 10 章 数据管理\n");

        assertThatThrownBy(() -> ReferenceReader.read(file)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(file + ":3:").hasMessageContaining("expected: chapter 2");
    }

    @Test
    void read_noBreakSpaceInHeading_isAHeading() throws IOException {
        // The real files write "Chapter\u00A01.\u00A0GNU/Linux tutorials".
        Path file = write("Chapter\u00A01.\u00A0Tutorials\n    body\n第2章\u00A0Debian\n");

        assertThat(ReferenceReader.read(file)).extracting(CorpusDocument::id).containsExactly("chapter-01", "chapter-02");
    }

    @Test
    void read_twoDigitChapters_zeroPaddedIdsInBookOrder() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int chapter = 1; chapter <= 12; chapter++) {
            text.append("第 ").append(chapter).append(" 章 标题\n    正文\n");
        }

        assertThat(ReferenceReader.read(write(text.toString()))).extracting(CorpusDocument::id).isSorted().hasSize(12)
                .endsWith("chapter-12");
    }

    @Test
    void read_chapterAfterAppendix_throwsNamingLine() throws IOException {
        Path file = write("Chapter 1. A\nAppendix A. B\nChapter 2. C\n");

        assertThatThrownBy(() -> ReferenceReader.read(file)).hasMessageContaining(":3:")
                .hasMessageContaining("headings before the appendices");
    }

    @Test
    void read_appendixOutOfOrder_throwsNamingLine() throws IOException {
        Path file = write("Chapter 1. A\nAppendix B. B\n");

        assertThatThrownBy(() -> ReferenceReader.read(file)).hasMessageContaining(":2:").hasMessageContaining("expected: appendix A");
    }

    @Test
    void read_noChapterHeading_throwsNamingFile() throws IOException {
        Path file = write("Just text.\n    Indented.\n");

        assertThatThrownBy(() -> ReferenceReader.read(file)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("no chapter headings");
    }
}
