package dev.specula.engine.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.llama2c.Llama2cCheckpoint;
import dev.specula.engine.llama2c.Llama2cConfig;
import dev.specula.engine.tensor.WeightTensor;
import dev.specula.engine.tokenizer.SentencePieceTokenizer;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model file opened for inference, whatever its format (GGUF v3 or llama2.c {@code .bin}, told apart by
 * the magic): its configuration, memory-mapped tensors and tokenizer. Closing it unmaps the tensors.
 *
 * @param path      the model file
 * @param config    hyperparameters
 * @param tensors   tensors by GGUF name
 * @param tokenizer the tokenizer from the GGUF metadata or the given tokenizer file
 * @param source    the opened file that owns the mapping
 */
public record ModelFile(Path path, LlamaConfig config, Map<String, WeightTensor> tensors, Tokenizer tokenizer,
                        AutoCloseable source) implements AutoCloseable {

    private static final String CHAT_TEMPLATE_KEY = "tokenizer.chat_template";

    /**
     * Opens {@code model}. A llama2.c checkpoint needs {@code tokenizer} (a llama2.c {@code tokenizer.bin});
     * for GGUF it is optional and, when given, replaces the tokenizer stored in the metadata.
     */
    public static ModelFile open(Path model, Path tokenizer) throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new ModelFormatException(model, "no such model file");
        }
        return isGguf(model) ? openGguf(model, tokenizer) : openLlama2c(model, tokenizer);
    }

    /** The chat template the file carries ({@code tokenizer.chat_template}), if it is a GGUF that has one. */
    public Optional<String> chatTemplate() {
        if (source instanceof GgufFile gguf && gguf.metadata().contains(CHAT_TEMPLATE_KEY)) {
            return Optional.of(gguf.metadata().getString(CHAT_TEMPLATE_KEY));
        }
        return Optional.empty();
    }

    /** Loads the weights on {@code backend}. */
    public Transformer load(Backend backend) {
        return new Transformer(path, config, tensors, backend);
    }

    /**
     * Weight bytes one decode step reads, the memory-bandwidth bound's numerator: every tensor, with the
     * embedding table counted only when it is also the classifier (a lookup reads one row of it).
     */
    public long weightBytesPerToken() {
        long bytes = 0;
        for (WeightTensor t : tensors.values()) {
            bytes += t.data().byteSize();
        }
        if (tensors.containsKey("output.weight")) {
            bytes -= tensors.get("token_embd.weight").data().byteSize();
        }
        return bytes;
    }

    /** Unmaps the tensors; transformers loaded from them must not be used afterwards. */
    @Override
    public void close() {
        try {
            source.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean isGguf(Path model) throws IOException {
        try (InputStream in = Files.newInputStream(model)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F';
        }
    }

    private static ModelFile openLlama2c(Path model, Path tokenizerFile) throws IOException {
        if (tokenizerFile == null) {
            throw new ModelFormatException(model, "a llama2.c checkpoint carries no tokenizer: pass its tokenizer.bin");
        }
        Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(model);
        try {
            Llama2cConfig c = checkpoint.config();
            LlamaConfig config = new LlamaConfig("llama", c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(),
                    c.headSize(), c.vocabSize(), c.seqLen(), 10000f, 1e-5f, RopeStyle.INTERLEAVED);
            Tokenizer tokenizer = SentencePieceTokenizer.fromLlama2cFile(tokenizerFile, c.vocabSize());
            return new ModelFile(model, config, byName(checkpoint.tensors()), tokenizer, checkpoint);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    private static ModelFile openGguf(Path model, Path tokenizerFile) throws IOException {
        GgufFile gguf = GgufFile.open(model);
        try {
            GgufMetadata meta = gguf.metadata();
            LlamaConfig config = GgufHyperparameters.read(model, gguf);
            Tokenizer tokenizer = tokenizerFile != null
                    ? SentencePieceTokenizer.fromLlama2cFile(tokenizerFile, config.vocabSize())
                    : Tokenizers.fromGguf(meta, model);
            if (tokenizer.vocabSize() != config.vocabSize()) {
                throw new ModelFormatException(model, "tokenizer has " + tokenizer.vocabSize()
                        + " tokens (expected: the model's vocabulary of " + config.vocabSize() + ")");
            }
            return new ModelFile(model, config, byName(gguf.tensors()), tokenizer, gguf);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    private static Map<String, WeightTensor> byName(List<WeightTensor> tensors) {
        Map<String, WeightTensor> map = new LinkedHashMap<>();
        for (WeightTensor t : tensors) {
            map.put(t.name(), t);
        }
        return map;
    }
}
