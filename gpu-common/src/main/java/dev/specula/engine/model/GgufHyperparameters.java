package dev.specula.engine.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads a GGUF model's {@link LlamaConfig} from the keys llama.cpp writes ({@code {arch}.embedding_length},
 * {@code {arch}.rope.freq_base}, {@code {arch}.attention.layer_norm_rms_epsilon}, ...), the vocabulary size
 * from the embedding's shape, and RoPE scaling from {@code rope_freqs.weight} or {@code {arch}.rope.scaling.*}.
 * Every refusal names the file and the key or tensor at fault.
 */
final class GgufHyperparameters {

    /** Phi-3 128k files: LongRoPE factors for contexts past the original one, and for within it. */
    private static final List<String> LONG_ROPE_TENSORS = List.of("rope_factors_long.weight", "rope_factors_short.weight");

    private final Path file;
    private final GgufMetadata meta;
    private final GgufFile gguf;
    private final String arch;

    private GgufHyperparameters(Path file, GgufFile gguf, String arch) {
        this.file = file;
        this.meta = gguf.metadata();
        this.gguf = gguf;
        this.arch = arch;
    }

    /** The configuration of {@code gguf}, opened from {@code file}. */
    static LlamaConfig read(Path file, GgufFile gguf) {
        GgufMetadata meta = gguf.metadata();
        if (!meta.contains("general.architecture")) {
            throw new ModelFormatException(file, "no general.architecture in the metadata");
        }
        String name = meta.getString("general.architecture");
        Architecture architecture;
        try {
            architecture = Architecture.of(name);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "general.architecture: unsupported architecture " + name + " (supported: "
                    + Architecture.names() + ")");
        }
        return new GgufHyperparameters(file, gguf, name).config(architecture);
    }

    private LlamaConfig config(Architecture architecture) {
        int dim = integer("embedding_length");
        int heads = integer("attention.head_count");
        int headSize = meta.getInt(key("attention.key_length"), dim / heads);
        int valueSize = meta.getInt(key("attention.value_length"), headSize);
        if (valueSize != headSize) {
            throw refused("attention.value_length", valueSize + " (expected: attention.key_length " + headSize + ")");
        }
        int ropeDims = meta.getInt(key("rope.dimension_count"), headSize);
        if (ropeDims != headSize) {
            throw refused("rope.dimension_count", ropeDims + " (expected: the head size " + headSize
                    + "; partial rotary embeddings are not supported)");
        }
        int contextLength = integer("context_length");
        float theta = (float) meta.getDouble(key("rope.freq_base"), 10000.0);
        try {
            return new LlamaConfig(arch, dim, integer("feed_forward_length"), integer("block_count"), heads,
                    meta.getInt(key("attention.head_count_kv"), heads), headSize, vocabSize(),
                    attendedContext(contextLength), theta,
                    (float) meta.getDouble(key("attention.layer_norm_rms_epsilon"), 1e-5),
                    architecture.ropeStyle(), ropeScaling(headSize, theta));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "bad " + arch + " hyperparameters: " + e.getMessage(), e);
        }
    }

    /**
     * The embedding's rows (Llama 3 files carry no {@code {arch}.vocab_size}); where both are present they
     * must agree. Without the embedding the key stands in, and loading reports the missing tensor.
     */
    private int vocabSize() {
        Optional<WeightTensor> embedding = gguf.findTensor("token_embd.weight");
        boolean declared = meta.contains(key("vocab_size"));
        if (embedding.isEmpty()) {
            if (!declared) {
                throw new ModelFormatException(file, "missing tensor token_embd.weight (and no " + key("vocab_size") + ")");
            }
            return integer("vocab_size");
        }
        int rows = embedding.get().rows();
        if (declared && integer("vocab_size") != rows) {
            throw refused("vocab_size", integer("vocab_size") + " (expected: the " + rows
                    + " rows of token_embd.weight)");
        }
        return rows;
    }

    /**
     * The positions the engine attends over: the context length, but no more than a sliding window (Phi-3),
     * since attention here always sees every earlier position.
     */
    private int attendedContext(int contextLength) {
        int window = meta.getInt(key("attention.sliding_window"), 0);
        return window > 0 ? Math.min(contextLength, window) : contextLength;
    }

    private RopeScaling ropeScaling(int headSize, float theta) {
        for (String longRope : LONG_ROPE_TENSORS) {
            if (gguf.findTensor(longRope).isPresent()) {
                throw new ModelFormatException(file, "tensor " + longRope + ": LongRoPE scaling is not supported"
                        + " (expected: a file without it, such as Phi-3's 4k-context variants)");
            }
        }
        Optional<WeightTensor> freqs = gguf.findTensor(GgufExport.ROPE_FREQS);
        if (freqs.isPresent()) {
            return fromTensor(freqs.get(), headSize);
        }
        String type = meta.find(key("rope.scaling.type")).isPresent() ? meta.getString(key("rope.scaling.type")) : "none";
        return switch (type) {
            case "none" -> RopeScaling.NONE;
            case "linear" -> RopeScaling.linear(headSize, factor());
            case "llama3" -> {
                try {
                    yield RopeScaling.llama3(headSize, theta, factor(), floating("rope.scaling.low_freq_factor"),
                            floating("rope.scaling.high_freq_factor"), integer("rope.scaling.original_context_length"));
                } catch (IllegalArgumentException e) {
                    throw refused("rope.scaling.*", e.getMessage());
                }
            }
            default -> throw refused("rope.scaling.type", type + " (supported: none, linear, llama3)");
        };
    }

    private RopeScaling fromTensor(WeightTensor freqs, int headSize) {
        if (freqs.dims().length != 1 || freqs.cols() != headSize / 2) {
            throw new ModelFormatException(file, "tensor " + freqs.name() + " has shape " + Arrays.toString(freqs.dims())
                    + " (expected: [" + headSize / 2 + "], one divisor per frequency of a head of " + headSize + ")");
        }
        float[] divisors = new float[headSize / 2];
        TensorCodec.dequantize(freqs.type(), freqs.data(), 0, divisors, 0, divisors.length);
        try {
            return new RopeScaling(divisors);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "tensor " + freqs.name() + ": " + e.getMessage(), e);
        }
    }

    private float factor() {
        return floating("rope.scaling.factor");
    }

    private String key(String suffix) {
        return arch + "." + suffix;
    }

    private int integer(String suffix) {
        if (!meta.contains(key(suffix))) {
            throw new ModelFormatException(file, "missing metadata " + key(suffix));
        }
        try {
            return meta.getInt(key(suffix));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "metadata " + key(suffix) + ": " + e.getMessage(), e);
        }
    }

    private float floating(String suffix) {
        if (!meta.contains(key(suffix))) {
            throw new ModelFormatException(file, "missing metadata " + key(suffix));
        }
        try {
            return (float) meta.getDouble(key(suffix));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, "metadata " + key(suffix) + ": " + e.getMessage(), e);
        }
    }

    private ModelFormatException refused(String suffix, String problem) {
        return new ModelFormatException(file, "metadata " + key(suffix) + ": " + problem);
    }
}
