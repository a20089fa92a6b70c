package dev.specula.engine.gguf;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.tensor.GgmlType;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileErrorsTest {

    @TempDir
    Path dir;

    @Test
    void open_wrongMagic_showsTheBytesFound() throws IOException {
        Path file = new GgufBytes().raw("GGML".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(0)
                .writeTo(dir.resolve("magic.gguf"));
        assertOpenFails(file).hasMessageContaining("0x47 0x47 0x4D 0x4C").hasMessageContaining("GGML")
                .hasMessageContaining("expected: 0x47 0x47 0x55 0x46");
    }

    @Test
    void open_version2_saysFoundAndExpected() throws IOException {
        Path file = new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(2).u64(0).u64(0)
                .writeTo(dir.resolve("v2.gguf"));
        assertOpenFails(file).hasMessageContaining("unsupported GGUF version 2").hasMessageContaining("expected: 3");
    }

    @Test
    void open_truncatedHeader_namesTheMissingField() throws IOException {
        Path file = new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u32(0)
                .writeTo(dir.resolve("short.gguf"));
        assertOpenFails(file).hasMessageContaining("truncated").hasMessageContaining("tensor_count")
                .hasMessageContaining("needs 8 bytes but only 4");
    }

    @Test
    void open_emptyFile_isTruncated() throws IOException {
        Path file = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertOpenFails(file).hasMessageContaining("truncated").hasMessageContaining("magic");
    }

    @Test
    void reader_truncatedTensorData_namesFileAndTensor() throws IOException {
        Path file = dir.resolve("cut.gguf");
        new GgufWriter()
                .addQuantized("first", GgmlType.F32, new long[]{8}, new float[8])
                .addQuantized("blk.0.attn_q.weight", GgmlType.F32, new long[]{64}, new float[64])
                .write(file);
        long offset;
        try (GgufFile gguf = GgufFile.open(file)) {
            offset = gguf.fileOffset("blk.0.attn_q.weight");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(offset + 100);
        }
        assertOpenFails(file).hasMessageContaining("truncated tensor data")
                .hasMessageContaining("blk.0.attn_q.weight")
                .hasMessageContaining("needs 256 bytes")
                .hasMessageContaining("only 100 are available");
    }

    @Test
    void open_unsupportedTensorTypeIq2Xxs_namesIdTensorAndSupportedTypes() throws IOException {
        // 16 is llama.cpp's IQ2_XXS, an i-quant the engine does not read.
        Path file = GgufBytes.header(1, 0).tensorInfo("blk.0.ffn_up.weight", new long[]{256}, 16, 0)
                .padTo(32).zeros(256).writeTo(dir.resolve("iq2.gguf"));
        assertOpenFails(file).hasMessageContaining("unknown tensor type id 16")
                .hasMessageContaining("blk.0.ffn_up.weight")
                .hasMessageContaining("F32 (0)").hasMessageContaining("Q8_0 (8)").hasMessageContaining("Q4_K (12)")
                .hasMessageContaining("Q6_K (14)").hasMessageContaining("BF16 (30)");
    }

    @Test
    void open_truncatedKQuantTensor_namesTensorAndBytes() throws IOException {
        // Two Q4_K super-blocks need 2 * 144 bytes; the file ends after 200.
        Path file = GgufBytes.header(1, 0).tensorInfo("blk.0.ffn_down.weight", new long[]{256, 2}, GgmlType.Q4_K.id(), 0)
                .padTo(32).zeros(200).writeTo(dir.resolve("cut-q4k.gguf"));
        assertOpenFails(file).hasMessageContaining("truncated tensor data")
                .hasMessageContaining("blk.0.ffn_down.weight")
                .hasMessageContaining("needs 288 bytes")
                .hasMessageContaining("only 200 are available");
    }

    @Test
    void open_kQuantRowsNotWholeSuperBlocks_isRejected() throws IOException {
        Path file = GgufBytes.header(1, 0).tensorInfo("w", new long[]{128, 2}, GgmlType.Q6_K.id(), 0)
                .padTo(32).zeros(210).writeTo(dir.resolve("partial-q6k.gguf"));
        assertOpenFails(file).hasMessageContaining("tensor w Q6_K [128, 2]").hasMessageContaining("block size 256");
    }

    @Test
    void open_unknownValueType_namesKeyAndId() throws IOException {
        Path file = GgufBytes.header(0, 1).str("general.weird").u32(13).u32(0)
                .writeTo(dir.resolve("value.gguf"));
        assertOpenFails(file).hasMessageContaining("unknown value type id 13")
                .hasMessageContaining("general.weird").hasMessageContaining("expected: 0 to 12");
    }

    @Test
    void open_unknownArrayElementType_namesKey() throws IOException {
        Path file = GgufBytes.header(0, 1).str("tokens").u32(GgufValueType.ARRAY.id()).u32(99).u64(1)
                .writeTo(dir.resolve("array.gguf"));
        assertOpenFails(file).hasMessageContaining("unknown value type id 99").hasMessageContaining("tokens");
    }

    @Test
    void open_stringLengthBeyondEnd_isAbsurd() throws IOException {
        Path file = GgufBytes.header(0, 1).u64(1L << 40).raw("key".getBytes(StandardCharsets.US_ASCII)).zeros(16)
                .writeTo(dir.resolve("string.gguf"));
        assertOpenFails(file).hasMessageContaining("string length 1099511627776")
                .hasMessageContaining("metadata key #0").hasMessageContaining("bytes left");
    }

    @Test
    void open_absurdArrayLength_failsBeforeAllocating() throws IOException {
        Path file = GgufBytes.header(0, 1).str("tokens").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(Long.MAX_VALUE / 2).writeTo(dir.resolve("huge.gguf"));
        assertOpenFails(file).hasMessageContaining("array length of metadata tokens")
                .hasMessageContaining(Long.toString(Long.MAX_VALUE / 2));
    }

    @Test
    void open_absurdTensorCount_isRejected() throws IOException {
        Path file = GgufBytes.header(-1, 0).writeTo(dir.resolve("count.gguf"));
        assertOpenFails(file).hasMessageContaining("tensor_count").hasMessageContaining("18446744073709551615");
    }

    @Test
    void open_unalignedTensorOffset_saysTheAlignment() throws IOException {
        Path file = GgufBytes.header(1, 0).tensorInfo("w", new long[]{4}, GgmlType.F32.id(), 4)
                .padTo(32).zeros(64).writeTo(dir.resolve("offset.gguf"));
        assertOpenFails(file).hasMessageContaining("tensor w data offset 4")
                .hasMessageContaining("multiple of 32");
    }

    @Test
    void open_blockTypeWithPartialBlock_isRejected() throws IOException {
        Path file = GgufBytes.header(1, 0).tensorInfo("w", new long[]{16, 2}, GgmlType.Q8_0.id(), 0)
                .padTo(32).zeros(34).writeTo(dir.resolve("block.gguf"));
        assertOpenFails(file).hasMessageContaining("tensor w").hasMessageContaining("block size 32");
    }

    @Test
    void open_tooManyDimensions_isRejected() throws IOException {
        Path file = GgufBytes.header(1, 0).tensorInfo("w", new long[]{1, 1, 1, 1, 1}, 0, 0)
                .padTo(32).zeros(4).writeTo(dir.resolve("dims.gguf"));
        assertOpenFails(file).hasMessageContaining("tensor w has 5 dimensions").hasMessageContaining("1 to 4");
    }

    @Test
    void tensor_missingName_namesTheTensorAndFile() throws IOException {
        Path file = dir.resolve("one.gguf");
        new GgufWriter().addQuantized("token_embd.weight", GgmlType.F32, new long[]{2}, new float[2]).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThatThrownBy(() -> gguf.tensor("output.weight"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("one.gguf")
                    .hasMessageContaining("no tensor named output.weight")
                    .hasMessageContaining("token_embd.weight");
        }
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
        return assertThatThrownBy(() -> GgufFile.open(file).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.getFileName().toString());
    }
}
