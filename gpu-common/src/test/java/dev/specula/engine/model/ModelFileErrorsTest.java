package dev.specula.engine.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Model files the engine cannot run are refused with a message naming the file and what is wrong. */
class ModelFileErrorsTest {

    @TempDir
    Path dir;

    @Test
    void open_unknownArchitecture_namesItAndTheSupportedOnes() throws Exception {
        Path file = dir.resolve("gpt.gguf");
        new GgufWriter().putString("general.architecture", "gptj").write(file);
        assertThatThrownBy(() -> ModelFile.open(file, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("unsupported architecture gptj")
                .hasMessageContaining("llama");
    }

    @Test
    void load_missingTensor_namesTheTensor() throws Exception {
        Path file = dir.resolve("no-norm.gguf");
        GgufWriter writer = GgufExport.writerFor(TinyModels.CONFIG, ByteVocabulary.tokenizer(320), "broken");
        writer.addQuantized("token_embd.weight", GgmlType.F32, new long[] {64, 320}, new float[64 * 320]);
        writer.write(file);
        try (ModelFile model = ModelFile.open(file, null)) {
            assertThatThrownBy(() -> model.load(new NaiveBackend()))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("missing tensor blk.0.attn_norm.weight");
        }
    }

    @Test
    void load_inconsistentShape_saysExpectedAndFound() throws Exception {
        Path file = dir.resolve("bad-shape.gguf");
        GgufWriter writer = GgufExport.writerFor(TinyModels.CONFIG, ByteVocabulary.tokenizer(320), "broken");
        writer.addQuantized("token_embd.weight", GgmlType.F32, new long[] {32, 320}, new float[32 * 320]);
        writer.write(file);
        try (ModelFile model = ModelFile.open(file, null)) {
            assertThatThrownBy(() -> model.load(new NaiveBackend()))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("tensor token_embd.weight has shape [32, 320] (expected: [64, 320]");
        }
    }

    @Test
    void open_tokenizerOfAnotherVocabulary_isRefused() throws Exception {
        Path file = dir.resolve("vocab.gguf");
        GgufWriter writer = new GgufWriter().putString("general.architecture", "llama")
                .putUInt32("llama.context_length", 96).putUInt32("llama.embedding_length", 64)
                .putUInt32("llama.feed_forward_length", 96).putUInt32("llama.block_count", 2)
                .putUInt32("llama.attention.head_count", 4).putUInt32("llama.vocab_size", 400);
        ByteVocabulary.tokenizer(320).toGgufMetadata().forEach(writer::put);
        writer.write(file);
        assertThatThrownBy(() -> ModelFile.open(file, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer has 320 tokens (expected: the model's vocabulary of 400)");
    }

    @Test
    void open_llama2cWithoutTokenizer_asksForOne() throws Exception {
        Path file = dir.resolve("model.bin");
        Files.write(file, new byte[64]);
        assertThatThrownBy(() -> ModelFile.open(file, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("pass its tokenizer.bin");
    }

    @Test
    void open_missingFile_saysSo() {
        Path file = dir.resolve("absent.gguf");
        assertThatThrownBy(() -> ModelFile.open(file, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("no such model file");
    }
}
