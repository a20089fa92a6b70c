package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Malformed llama2.c {@code tokenizer.bin} files fail with a message naming the file and the token. */
class Llama2cTokenizerFileTest {

    @TempDir
    Path dir;

    @Test
    void fromLlama2cFile_truncatedCopy_namesFileAndToken() throws IOException {
        byte[] full = Files.readAllBytes(SharedFiles.require(SharedFiles.STORIES260K_TOKENIZER));
        Path cut = dir.resolve("tok512-truncated.bin");
        Files.write(cut, Arrays.copyOf(full, 3000));

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(cut, 512))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated at token 214 of 512");
    }

    @Test
    void fromLlama2cFile_vocabSizeTooLarge_reportsTruncationAtEnd() {
        Path file = SharedFiles.require(SharedFiles.STORIES260K_TOKENIZER);

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(file, 600))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated at token 512 of 600");
    }

    @Test
    void fromLlama2cFile_vocabSizeTooSmall_reportsTrailingBytes() {
        Path file = SharedFiles.require(SharedFiles.STORIES260K_TOKENIZER);

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(file, 300))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("after token 299")
                .hasMessageContaining("is the vocabulary size right?");
    }

    @Test
    void fromLlama2cFile_emptyFile_saysHeaderIsMissing() throws IOException {
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(empty, 512))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("is 0 bytes (expected: at least 4");
    }

    @Test
    void fromLlama2cFile_negativeLength_namesToken() throws IOException {
        Path bad = Files.write(dir.resolve("bad.bin"), file(8, new String[] {"<unk>", "<s>"}, -5));

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(bad, 3))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("token 2")
                .hasMessageContaining("length -5");
    }

    @Test
    void fromLlama2cFile_invalidUtf8_namesToken() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(8);
        for (String s : new String[] {"<unk>", "<s>"}) {
            b.putFloat(0).putInt(s.length()).put(s.getBytes(StandardCharsets.UTF_8));
        }
        b.putFloat(0).putInt(2).put((byte) 0xC3).put((byte) 0x28);
        Path bad = Files.write(dir.resolve("utf8.bin"), Arrays.copyOf(b.array(), b.position()));

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(bad, 3))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("token 2: text is not valid UTF-8");
    }

    @Test
    void fromLlama2cFile_missingFile_namesFile() {
        Path missing = dir.resolve("nope.bin");

        assertThatThrownBy(() -> SentencePieceTokenizer.fromLlama2cFile(missing, 512))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void fromLlama2cFile_handMadeFile_readsSpacesAsSpaceMark() throws IOException {
        Path ok = Files.write(dir.resolve("ok.bin"), file(8, new String[] {"<unk>", "\n<s>\n", "\n</s>\n", " ",
                "a", " a"}, null));

        SentencePieceTokenizer tokenizer = SentencePieceTokenizer.fromLlama2cFile(ok, 6);

        assertThat(tokenizer.piece(5)).isEqualTo("▁a");
        assertThat(tokenizer.piece(1)).isEqualTo("<s>");
        assertThat(tokenizer.encode("a")).containsExactly(5);
        // No byte pieces in this vocabulary: unknown characters become <unk>.
        assertThat(tokenizer.encode("ab")).containsExactly(5, 0);
    }

    /** A llama2.c file with the given pieces (score = -index), then a bogus length when {@code lastLength} is set. */
    private static byte[] file(int maxLength, String[] pieces, Integer lastLength) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(maxLength);
        for (int i = 0; i < pieces.length; i++) {
            byte[] utf8 = pieces[i].getBytes(StandardCharsets.UTF_8);
            b.putFloat(-i).putInt(utf8.length).put(utf8);
        }
        if (lastLength != null) {
            b.putFloat(0).putInt(lastLength);
        }
        return Arrays.copyOf(b.array(), b.position());
    }
}
