package dev.specula.engine.model;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Small random-weight GGUF models for tests that must run without ../shared. */
final class TinyModels {

    /** 2 layers, GQA (4 query heads on 2 KV heads), widths that are whole Q8_0/Q4_0 blocks. */
    static final LlamaConfig CONFIG = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    private TinyModels() {
    }

    /** Writes the model of {@code seed} in {@code type} to {@code dir} and opens it. */
    static ModelFile write(Path dir, GgmlType type, long seed) {
        Path file = dir.resolve("tiny-" + seed + "-" + type + ".gguf");
        try {
            RandomModelWriter.write(file, CONFIG, type, false, ByteVocabulary.tokenizer(CONFIG.vocabSize()), seed);
            return ModelFile.open(file, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
