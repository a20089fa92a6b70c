package dev.specula.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuideReaderTest {

    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("en.tsv"), content, StandardCharsets.UTF_8);
    }

    @Test
    void read_paragraphsOfSeveralFiles_oneDocumentPerFileInFirstAppearanceOrder() throws IOException {
        Path file = write("ch01.html\tFirst.\nch01.html\tSecond.\nch02.html\tThird.\nch01.html\tLate.\n");

        List<CorpusDocument> documents = GuideReader.read(file);

        assertThat(documents).extracting(CorpusDocument::id).containsExactly("ch01.html", "ch02.html");
        assertThat(documents.get(0).text()).isEqualTo("First.\nSecond.\nLate.\n");
        assertThat(documents.get(1).text()).isEqualTo("Third.\n");
        assertThat(documents).allMatch(d -> d.source() == CorpusSource.INSTALLATION_GUIDE);
    }

    @Test
    void read_multiByteText_bytesCountUtf8() throws IOException {
        Path file = write("a.html\t安装\n");

        assertThat(GuideReader.read(file).getFirst().bytes()).isEqualTo(7); // two 3-byte characters and the newline
    }

    @Test
    void read_lineWithoutTab_throwsNamingFileAndLine() throws IOException {
        Path file = write("ch01.html\tFine.\nch01.html no tab here\n");

        assertThatThrownBy(() -> GuideReader.read(file))
                .isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(file + ":2:")
                .hasMessageContaining("no tab");
    }

    @Test
    void read_twoTabs_throwsNamingFileAndLine() throws IOException {
        Path file = write("ch01.html\tone\ttwo\n");

        assertThatThrownBy(() -> GuideReader.read(file)).hasMessageContaining(file + ":1:").hasMessageContaining("more than one tab");
    }

    @Test
    void read_blankSourceOrParagraph_throwsNamingFileAndLine() throws IOException {
        Path blankSource = write("\tText.\n");
        assertThatThrownBy(() -> GuideReader.read(blankSource)).hasMessageContaining(":1:").hasMessageContaining("source file name is blank");

        Path blankParagraph = write("x.html\tText.\nx.html\tText.\nx.html\t \n");
        assertThatThrownBy(() -> GuideReader.read(blankParagraph)).hasMessageContaining(":3:").hasMessageContaining("paragraph of x.html is blank");
    }

    @Test
    void read_emptyFile_throws() throws IOException {
        Path file = write("");

        assertThatThrownBy(() -> GuideReader.read(file)).hasMessageContaining("no paragraphs");
    }

    @Test
    void read_notUtf8_throwsNamingFile() throws IOException {
        Path file = Files.write(dir.resolve("xx.tsv"), new byte[] {'a', '\t', (byte) 0xC3, '\n'});

        assertThatThrownBy(() -> GuideReader.read(file)).isInstanceOf(CorpusFormatException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not UTF-8");
    }
}
