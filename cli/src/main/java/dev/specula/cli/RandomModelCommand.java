package dev.specula.cli;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.SentencePieceTokenizer;
import dev.specula.engine.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code specula random-model}: writes a Llama GGUF with seeded random weights, for benchmarks at any size. */
@Command(name = "random-model", mixinStandardHelpOptions = true,
        description = "Write a Llama-architecture GGUF model with seeded random weights (for benchmarks and tests).")
final class RandomModelCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "GGUF file to write.")
    Path out;

    @Option(names = "--dim", defaultValue = "512", description = "Embedding width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--hidden-dim", defaultValue = "1536", description = "Feed-forward width (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(names = "--layers", defaultValue = "8", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "8", description = "Query heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "4", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--vocab", defaultValue = "32000",
            description = "Vocabulary size, when no --tokenizer is given (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--context", defaultValue = "1024", description = "Context length (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--type", defaultValue = "F32", description = "Matrix type: F32, F16, BF16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin to embed (default: a byte-level vocabulary of --vocab entries).")
    Path tokenizerFile;

    @Option(names = "--seed", defaultValue = "1", description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = tokenizerFile != null
                ? SentencePieceTokenizer.fromLlama2cFile(tokenizerFile, vocab)
                : ByteVocabulary.tokenizer(vocab);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("--dim: " + dim + " (expected: a multiple of --heads " + heads + ")");
        }
        LlamaConfig config = new LlamaConfig("llama", dim, hiddenDim, layers, heads, kvHeads, dim / heads,
                tokenizer.vocabSize(), context, 10000f, 1e-5f, RopeStyle.INTERLEAVED);
        System.err.printf("random-model: writing %.1fM parameters as %s to %s ...%n",
                config.parameterCount(false) / 1e6, type, out);
        RandomModelWriter.write(out, config, type, false, tokenizer, seed);
        return 0;
    }
}
