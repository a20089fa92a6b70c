package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;

import java.nio.file.Path;

/** Picks the tokenizer implementation that a model's metadata asks for. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * The tokenizer described by the {@code tokenizer.ggml.*} keys of {@code metadata}: a
     * {@link SentencePieceTokenizer} for {@code tokenizer.ggml.model = "llama"}, a {@link Gpt2BpeTokenizer}
     * for {@code "gpt2"}.
     *
     * @param fileForErrors the GGUF file, named in error messages
     * @throws ModelFormatException when the model key is missing, names another tokenizer, or the
     *                              vocabulary keys are missing or malformed
     */
    public static Tokenizer fromGguf(GgufMetadata metadata, Path fileForErrors) {
        if (!metadata.contains(TokenizerGguf.MODEL)) {
            throw new ModelFormatException(fileForErrors, "no " + TokenizerGguf.MODEL
                    + " in the metadata (expected: \"llama\" or \"gpt2\")");
        }
        String model = TokenizerGguf.reading(fileForErrors, "tokenizer",
                () -> metadata.getString(TokenizerGguf.MODEL));
        return switch (model) {
            case "llama" -> SentencePieceTokenizer.fromGguf(metadata, fileForErrors);
            case "gpt2" -> Gpt2BpeTokenizer.fromGguf(metadata, fileForErrors);
            default -> throw new ModelFormatException(fileForErrors, TokenizerGguf.MODEL + " is \"" + model
                    + "\" (expected: one of \"llama\", \"gpt2\"; those are the tokenizers supported)");
        };
    }
}
