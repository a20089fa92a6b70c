package dev.specula.engine.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.tensor.WeightTensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Llama-family model ({@link Architecture}) loaded on a backend: weights uploaded once, RoPE tables, and sessions that each
 * own a KV cache. Thread-safe for distinct sessions.
 */
public final class Transformer {

    private final LlamaConfig config;
    private final Backend backend;
    private final DeviceWeight tokenEmbedding; // [vocab, dim]
    private final LayerWeights[] layers;
    private final DeviceWeight outputNorm;     // [dim]
    private final DeviceWeight classifier;     // [vocab, dim], the embedding when tied
    private final DeviceBuffer ropeCos;        // [contextLength, headSize / 2]
    private final DeviceBuffer ropeSin;        // [contextLength, headSize / 2]

    /**
     * Loads named tensors ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, ... as in GGUF) onto the
     * backend, checking every shape against {@code config}.
     *
     * @param file    the model file, for error messages
     * @param tensors tensors by GGUF name; {@code output.weight} absent means a classifier tied to the embedding
     */
    public Transformer(Path file, LlamaConfig config, Map<String, WeightTensor> tensors, Backend backend) {
        this.config = config;
        this.backend = backend;
        TensorBinder bind = new TensorBinder(file, tensors, backend);
        int dim = config.dim();
        this.tokenEmbedding = bind.required("token_embd.weight", dim, config.vocabSize());
        this.layers = new LayerWeights[config.layers()];
        Architecture architecture = Architecture.of(config.architecture());
        for (int l = 0; l < config.layers(); l++) {
            layers[l] = bindLayer(bind, architecture, "blk." + l + ".");
        }
        this.outputNorm = bind.required("output_norm.weight", dim);
        DeviceWeight output = bind.optional("output.weight", dim, config.vocabSize());
        this.classifier = output != null ? output : tokenEmbedding;
        this.ropeCos = backend.allocate(config.contextLength(), config.headSize() / 2);
        this.ropeSin = backend.allocate(config.contextLength(), config.headSize() / 2);
        fillRopeTables();
    }

    /** One block's weights, under the names and in the layout of {@code architecture}'s files. */
    private LayerWeights bindLayer(TensorBinder bind, Architecture architecture, String p) {
        int dim = config.dim();
        DeviceWeight attentionNorm = bind.required(p + "attn_norm.weight", dim);
        DeviceWeight[] qkv;    // [queryDim, dim], [kvDim, dim], [kvDim, dim]
        DeviceWeight[] gateUp; // [hiddenDim, dim] twice
        if (architecture.fusedProjections()) {
            qkv = bind.split(p + "attn_qkv.weight", dim, List.of(p + "attn_q.weight", p + "attn_k.weight",
                    p + "attn_v.weight"), config.queryDim(), config.kvDim(), config.kvDim());
        } else {
            qkv = new DeviceWeight[] {bind.required(p + "attn_q.weight", dim, config.queryDim()),
                    bind.required(p + "attn_k.weight", dim, config.kvDim()),
                    bind.required(p + "attn_v.weight", dim, config.kvDim())};
        }
        DeviceWeight output = bind.required(p + "attn_output.weight", config.queryDim(), dim);
        DeviceWeight queryBias = bind.optional(p + "attn_q.bias", config.queryDim());
        DeviceWeight keyBias = bind.optional(p + "attn_k.bias", config.kvDim());
        DeviceWeight valueBias = bind.optional(p + "attn_v.bias", config.kvDim());
        boolean norms = architecture.headNorms();
        DeviceWeight queryNorm = norms ? bind.required(p + "attn_q_norm.weight", config.headSize()) : null;
        DeviceWeight keyNorm = norms ? bind.required(p + "attn_k_norm.weight", config.headSize()) : null;
        DeviceWeight ffnNorm = bind.required(p + "ffn_norm.weight", dim);
        if (architecture.fusedProjections()) {
            gateUp = bind.split(p + "ffn_up.weight", dim, List.of(p + "ffn_gate.weight", p + "ffn_up.weight"),
                    config.hiddenDim(), config.hiddenDim());
        } else {
            gateUp = new DeviceWeight[] {bind.required(p + "ffn_gate.weight", dim, config.hiddenDim()),
                    bind.required(p + "ffn_up.weight", dim, config.hiddenDim())};
        }
        return new LayerWeights(attentionNorm, qkv[0], qkv[1], qkv[2], output, queryBias, keyBias, valueBias,
                queryNorm, keyNorm, ffnNorm, gateUp[0], gateUp[1],
                bind.required(p + "ffn_down.weight", config.hiddenDim(), dim));
    }

    public LlamaConfig config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    /** Whether the classifier shares the embedding's weights. */
    public boolean tiedClassifier() {
        return classifier == tokenEmbedding;
    }

    /** A new session with an empty KV cache of {@code capacity} positions (at most the context length). */
    public InferenceSession newSession(int capacity) {
        if (capacity <= 0 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: in [1, " + config.contextLength() + "])");
        }
        return new InferenceSession(this, new KvCache(backend, config.layers(), capacity, config.kvDim()));
    }

    /** A new session that can hold the whole context. */
    public InferenceSession newSession() {
        return newSession(config.contextLength());
    }

    DeviceWeight tokenEmbedding() {
        return tokenEmbedding;
    }

    LayerWeights layer(int l) {
        return layers[l];
    }

    DeviceWeight outputNorm() {
        return outputNorm;
    }

    DeviceWeight classifier() {
        return classifier;
    }

    DeviceBuffer ropeCos() {
        return ropeCos;
    }

    DeviceBuffer ropeSin() {
        return ropeSin;
    }

    private void fillRopeTables() {
        RopeTable table = RopeTable.of(config);
        int half = table.half();
        for (int pos = 0; pos < config.contextLength(); pos++) {
            backend.write(ropeCos, pos, Arrays.copyOfRange(table.cos(), pos * half, (pos + 1) * half));
            backend.write(ropeSin, pos, Arrays.copyOfRange(table.sin(), pos * half, (pos + 1) * half));
        }
    }

    /** Looks tensors up by name and checks their shape before loading them on the backend. */
    private record TensorBinder(Path file, Map<String, WeightTensor> tensors, Backend backend) {

        DeviceWeight required(String name, long... dims) {
            DeviceWeight weight = optional(name, dims);
            if (weight == null) {
                throw new ModelFormatException(file, "missing tensor " + name);
            }
            return weight;
        }

        DeviceWeight optional(String name, long... dims) {
            WeightTensor tensor = tensors.get(name);
            if (tensor == null) {
                return null;
            }
            checkShape(tensor, dims);
            return backend.load(tensor);
        }

        /** Loads the fused matrix {@code name} {@code [sum of rows, cols]} as one weight per row range. */
        DeviceWeight[] split(String name, int cols, List<String> partNames, int... rows) {
            WeightTensor fused = tensors.get(name);
            if (fused == null) {
                throw new ModelFormatException(file, "missing tensor " + name);
            }
            checkShape(fused, cols, Arrays.stream(rows).sum());
            return FusedWeights.splitRows(fused, partNames, rows).stream().map(backend::load).toArray(DeviceWeight[]::new);
        }

        private void checkShape(WeightTensor tensor, long... dims) {
            if (!Arrays.equals(tensor.dims(), dims)) {
                throw new ModelFormatException(file, "tensor " + tensor.name() + " has shape " + Arrays.toString(tensor.dims())
                        + " (expected: " + Arrays.toString(dims) + " from the model's hyperparameters)");
            }
        }
    }
}
