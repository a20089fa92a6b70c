package dev.specula.engine.model;

import dev.specula.engine.gguf.GgufValue;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import dev.specula.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes Llama-family models as GGUF: the hyperparameter and tokenizer metadata, and tensors in a chosen type. */
public final class GgufExport {

    /** The tensor of RoPE frequency divisors llama.cpp's converter writes for Llama 3.x: {@code [headSize / 2]}. */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    private GgufExport() {
    }

    /** A writer holding {@code config}'s hyperparameters and {@code tokenizer}, ready for tensors. */
    public static GgufWriter writerFor(LlamaConfig config, Tokenizer tokenizer, String name) {
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer: " + tokenizer.vocabSize() + " tokens (expected: vocabSize "
                    + config.vocabSize() + ")");
        }
        String arch = config.architecture();
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", arch)
                .putString("general.name", name)
                .putUInt32(arch + ".context_length", config.contextLength())
                .putUInt32(arch + ".embedding_length", config.dim())
                .putUInt32(arch + ".feed_forward_length", config.hiddenDim())
                .putUInt32(arch + ".block_count", config.layers())
                .putUInt32(arch + ".attention.head_count", config.heads())
                .putUInt32(arch + ".attention.head_count_kv", config.kvHeads())
                .putUInt32(arch + ".attention.key_length", config.headSize())
                .putUInt32(arch + ".attention.value_length", config.headSize())
                .putFloat32(arch + ".rope.freq_base", config.ropeTheta())
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", config.rmsEps())
                .putUInt32(arch + ".vocab_size", config.vocabSize());
        for (Map.Entry<String, GgufValue> entry : tokenizer.toGgufMetadata().entrySet()) {
            writer.put(entry.getKey(), entry.getValue());
        }
        return writer;
    }

    /**
     * Writes {@code model} to {@code out} with its matrices converted to {@code type}. Norms, and matrices
     * whose rows are not a whole number of {@code type}'s blocks, stay F32.
     */
    public static void write(ModelFile model, GgmlType type, Path out) throws IOException {
        writeFirstLayers(model, model.config().layers(), type, out);
    }

    /**
     * Writes the model cut down to its first {@code layers} blocks (same embedding, final norm and classifier)
     * with its matrices converted to {@code type}: a cheaper drafter derived from a target, sharing its
     * tokenizer.
     */
    public static void writeFirstLayers(ModelFile model, int layers, GgmlType type, Path out) throws IOException {
        LlamaConfig c = model.config();
        if (layers < 1 || layers > c.layers()) {
            throw new IllegalArgumentException("layers: " + layers + " (expected: 1.." + c.layers() + ")");
        }
        LlamaConfig kept = c.withLayers(layers);
        String name = model.path().getFileName() + (layers < c.layers() ? ", first " + layers + " layers" : "")
                + " as " + type.name();
        GgufWriter writer = writerFor(kept, model.tokenizer(), name);
        for (WeightTensor tensor : model.tensors().values()) {
            if (layerOf(tensor.name()) >= layers) {
                continue;
            }
            float[] values = new float[Math.toIntExact(tensor.elementCount())];
            TensorCodec.dequantize(tensor.type(), tensor.data(), 0, values, 0, values.length);
            boolean convertible = tensor.dims().length == 2 && tensor.cols() % type.blockSize() == 0;
            writer.addQuantized(tensor.name(), convertible ? type : GgmlType.F32, tensor.dims(), values);
        }
        if (!model.tensors().containsKey(ROPE_FREQS)) {
            addRopeScaling(writer, c); // scaling that came from metadata travels as the tensor
        }
        writer.write(out);
    }

    /** Adds {@code config}'s RoPE divisors as {@code rope_freqs.weight}, as llama.cpp's converter writes them. */
    static void addRopeScaling(GgufWriter writer, LlamaConfig config) {
        if (config.ropeScaling().scaled()) {
            writer.addQuantized(ROPE_FREQS, GgmlType.F32, new long[] {config.headSize() / 2},
                    config.ropeScaling().divisors());
        }
    }

    /** The block index of a {@code blk.N.*} tensor, or -1 for the tensors outside the blocks. */
    private static int layerOf(String tensorName) {
        if (!tensorName.startsWith("blk.")) {
            return -1;
        }
        return Integer.parseInt(tensorName.substring(4, tensorName.indexOf('.', 4)));
    }
}
