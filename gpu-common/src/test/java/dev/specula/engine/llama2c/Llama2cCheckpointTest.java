package dev.specula.engine.llama2c;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.SharedData;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Llama2cCheckpointTest {

    private static final String STORIES = "models/stories260K/stories260K.bin";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void stories260K_header_matchesTheKnownModel() throws IOException {
        try (Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(SharedData.require(STORIES))) {
            assertThat(checkpoint.config()).isEqualTo(new Llama2cConfig(64, 172, 5, 8, 4, 512, 512, true));
            assertThat(checkpoint.config().headSize()).isEqualTo(8);
            assertThat(checkpoint.config().kvDim()).isEqualTo(32);
            assertThat(checkpoint.config().fileBytes()).isEqualTo(1_056_540L);
        }
    }

    @Test
    void stories260K_tensors_haveGgufNamesAndShapes() throws IOException {
        try (Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(SharedData.require(STORIES))) {
            assertThat(checkpoint.tensors()).hasSize(2 + 5 * 9).allSatisfy(t -> assertThat(t.type()).isEqualTo(GgmlType.F32));
            assertThat(checkpoint.tensors().subList(0, 3)).extracting(WeightTensor::name)
                    .containsExactly("token_embd.weight", "output_norm.weight", "blk.0.attn_norm.weight");
            assertDims(checkpoint, "token_embd.weight", 64, 512);
            assertDims(checkpoint, "output_norm.weight", 64);
            assertDims(checkpoint, "blk.4.attn_norm.weight", 64);
            assertDims(checkpoint, "blk.4.attn_q.weight", 64, 64);
            assertDims(checkpoint, "blk.4.attn_k.weight", 64, 32);
            assertDims(checkpoint, "blk.4.attn_v.weight", 64, 32);
            assertDims(checkpoint, "blk.4.attn_output.weight", 64, 64);
            assertDims(checkpoint, "blk.4.ffn_norm.weight", 64);
            assertDims(checkpoint, "blk.4.ffn_gate.weight", 64, 172);
            assertDims(checkpoint, "blk.4.ffn_down.weight", 172, 64);
            assertDims(checkpoint, "blk.4.ffn_up.weight", 64, 172);
            assertThat(checkpoint.classifier().name()).isEqualTo("token_embd.weight");
            assertThatThrownBy(() -> checkpoint.tensor("output.weight"))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("stories260K.bin")
                    .hasMessageContaining("no tensor named output.weight")
                    .hasMessageContaining("shared");
        }
    }

    @Test
    void stories260K_weights_areTheRawFloatsAtTheirOffsets() throws IOException {
        Path file = SharedData.require(STORIES);
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        try (Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(file)) {
            WeightTensor embedding = checkpoint.tensor("token_embd.weight");
            for (int i = 0; i < 16; i++) {
                assertThat(embedding.data().getAtIndex(F32, i)).as("embedding %d", i).isEqualTo(raw.getFloat(28 + 4 * i));
            }
            // rms_final_weight sits just before the two RoPE tables (2 * 512 * 8 / 2 floats) at the end.
            int outputNorm = 1_056_540 - 4 * 4096 - 4 * 64;
            assertThat(checkpoint.tensor("output_norm.weight").data().getAtIndex(F32, 0))
                    .isEqualTo(raw.getFloat(outputNorm));
            // ...and the last float of w3 (blk.4.ffn_up) just before it: the layout has no gaps.
            WeightTensor up = checkpoint.tensor("blk.4.ffn_up.weight");
            assertThat(up.data().getAtIndex(F32, up.elementCount() - 1)).isEqualTo(raw.getFloat(outputNorm - 4));
        }
    }

    @Test
    void separateClassifier_negativeVocab_readsOutputWeightFromTheEnd() throws IOException {
        Path file = writeSynthetic(dir.resolve("separate.bin"), 0);
        try (Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(file)) {
            assertThat(checkpoint.config()).isEqualTo(new Llama2cConfig(8, 12, 2, 4, 2, 16, 4, false));
            assertThat(checkpoint.tensors()).hasSize(3 + 2 * 9);
            // Each float holds its own index in the file's weights, so a tensor's first value is its offset.
            assertFirst(checkpoint, "token_embd.weight", 0);
            assertFirst(checkpoint, "blk.0.attn_norm.weight", 128);
            assertFirst(checkpoint, "blk.1.attn_norm.weight", 136);
            assertFirst(checkpoint, "blk.1.attn_q.weight", 144 + 64);
            assertFirst(checkpoint, "blk.1.attn_k.weight", 272 + 32);
            assertFirst(checkpoint, "blk.1.attn_v.weight", 336 + 32);
            assertFirst(checkpoint, "blk.1.attn_output.weight", 400 + 64);
            assertFirst(checkpoint, "blk.1.ffn_norm.weight", 536);
            assertFirst(checkpoint, "blk.1.ffn_gate.weight", 544 + 96);
            assertFirst(checkpoint, "blk.1.ffn_down.weight", 736 + 96);
            assertFirst(checkpoint, "blk.1.ffn_up.weight", 928 + 96);
            assertFirst(checkpoint, "output_norm.weight", 1120);
            assertFirst(checkpoint, "output.weight", 1136);
            WeightTensor output = checkpoint.classifier();
            assertThat(output.name()).isEqualTo("output.weight");
            assertThat(output.dims()).containsExactly(8, 16);
            assertThat(output.data().getAtIndex(F32, 127)).isEqualTo(1263f);
            assertThat(checkpoint.tensor("blk.1.attn_k.weight").dims()).containsExactly(8, 4);
        }
    }

    @Test
    void truncatedFile_saysExpectedAndActualBytes() throws IOException {
        Path file = writeSynthetic(dir.resolve("cut.bin"), 4);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cut.bin")
                .hasMessageContaining("truncated")
                .hasMessageContaining("5080 bytes")
                .hasMessageContaining("exactly 5084 bytes");
    }

    @Test
    void shorterThanHeader_isTruncated() throws IOException {
        Path file = Files.write(dir.resolve("tiny.bin"), new byte[10]);
        assertThatThrownBy(() -> Llama2cCheckpoint.open(file).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tiny.bin")
                .hasMessageContaining("10 bytes")
                .hasMessageContaining("at least 28");
    }

    @Test
    void invalidHeader_namesTheField() throws IOException {
        Path heads = Files.write(dir.resolve("heads.bin"), header(8, 12, 2, 3, 1, 16, 4));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(heads).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("heads.bin")
                .hasMessageContaining("dim 8 (expected: a multiple of n_heads 3)");
        Path layers = Files.write(dir.resolve("layers.bin"), header(8, 12, 0, 4, 2, 16, 4));
        assertThatThrownBy(() -> Llama2cCheckpoint.open(layers).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("n_layers 0 (expected: positive)");
    }

    /**
     * A llama2.c file with dim 8, hidden 12, 2 layers, 4 heads, 2 kv heads, 16 tokens with a separate
     * classifier, seq_len 4: 1264 floats, each holding its own index, less {@code cutBytes} bytes at the end.
     */
    private static Path writeSynthetic(Path file, int cutBytes) throws IOException {
        int floats = 1264;
        ByteBuffer buffer = ByteBuffer.allocate(28 + 4 * floats).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(header(8, 12, 2, 4, 2, -16, 4));
        for (int i = 0; i < floats; i++) {
            buffer.putFloat(i);
        }
        return Files.write(file, Arrays.copyOf(buffer.array(), buffer.capacity() - cutBytes));
    }

    private static byte[] header(int... fields) {
        ByteBuffer buffer = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (int f : fields) {
            buffer.putInt(f);
        }
        return buffer.array();
    }

    private static void assertDims(Llama2cCheckpoint checkpoint, String name, long... dims) {
        assertThat(checkpoint.tensor(name).dims()).as(name).containsExactly(dims);
    }

    private static void assertFirst(Llama2cCheckpoint checkpoint, String name, int index) {
        assertThat(checkpoint.tensor(name).data().getAtIndex(F32, 0)).as(name).isEqualTo((float) index);
    }
}
