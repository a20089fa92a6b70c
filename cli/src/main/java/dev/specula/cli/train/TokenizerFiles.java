package dev.specula.cli.train;

import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;

/** A tokenizer on its own as a GGUF file: the tokenizer metadata of a model, without tensors. */
final class TokenizerFiles {

    private TokenizerFiles() {
    }

    static void write(Tokenizer tokenizer, Path out) throws IOException {
        GgufWriter writer = new GgufWriter().putString("general.name", "specula tokenizer");
        tokenizer.toGgufMetadata().forEach(writer::put);
        writer.write(out);
    }

    /** The tokenizer in {@code file}: a tokenizer file or any GGUF model. */
    static Tokenizer read(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            return Tokenizers.fromGguf(gguf.metadata(), file);
        }
    }
}
