package dev.specula.cli.train;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import picocli.CommandLine.Option;

/** The shape of a model to train from scratch. */
final class ModelShapeOptions {

    @Option(names = "--dim", defaultValue = "384", description = "Embedding width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--hidden-dim", defaultValue = "1024", description = "Feed-forward width (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(names = "--layers", defaultValue = "8", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "6", description = "Query heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "2", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--context", defaultValue = "512", description = "Context length (default: ${DEFAULT-VALUE}).")
    int context;

    LlamaConfig config(int vocab) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("--dim: " + dim + " (expected: a multiple of --heads " + heads + ")");
        }
        return new LlamaConfig("llama", dim, hiddenDim, layers, heads, kvHeads, dim / heads, vocab, context, 10000f,
                1e-5f, RopeStyle.INTERLEAVED);
    }
}
