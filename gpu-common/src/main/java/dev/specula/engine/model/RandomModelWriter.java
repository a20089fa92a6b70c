package dev.specula.engine.model;

import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a Llama GGUF model with seeded random weights: for tests of every tensor type and for benchmarks at
 * sizes no bundled model has. Norm gains stay F32, as llama.cpp stores them; matrices take {@code type}.
 */
public final class RandomModelWriter {

    private RandomModelWriter() {
    }

    /**
     * Writes the model to {@code out}. The same {@code seed} gives the same weights whatever {@code type},
     * so models of different types are quantizations of one another.
     */
    public static void write(Path out, LlamaConfig config, GgmlType type, boolean tiedClassifier, Tokenizer tokenizer,
                             long seed) throws IOException {
        GgufWriter writer = GgufExport.writerFor(config, tokenizer, "specula-random-" + type.name().toLowerCase());
        SplittableRandom random = new SplittableRandom(seed);
        int dim = config.dim();
        matrix(writer, "token_embd.weight", type, config.vocabSize(), dim, 1.0, random);
        for (int l = 0; l < config.layers(); l++) {
            String p = "blk." + l + ".";
            norm(writer, p + "attn_norm.weight", dim, random);
            matrix(writer, p + "attn_q.weight", type, config.queryDim(), dim, 1 / Math.sqrt(dim), random);
            matrix(writer, p + "attn_k.weight", type, config.kvDim(), dim, 1 / Math.sqrt(dim), random);
            matrix(writer, p + "attn_v.weight", type, config.kvDim(), dim, 1 / Math.sqrt(dim), random);
            matrix(writer, p + "attn_output.weight", type, dim, config.queryDim(), 1 / Math.sqrt(config.queryDim()), random);
            norm(writer, p + "ffn_norm.weight", dim, random);
            matrix(writer, p + "ffn_gate.weight", type, config.hiddenDim(), dim, 1 / Math.sqrt(dim), random);
            matrix(writer, p + "ffn_up.weight", type, config.hiddenDim(), dim, 1 / Math.sqrt(dim), random);
            matrix(writer, p + "ffn_down.weight", type, dim, config.hiddenDim(), 1 / Math.sqrt(config.hiddenDim()), random);
        }
        norm(writer, "output_norm.weight", dim, random);
        if (!tiedClassifier) {
            matrix(writer, "output.weight", type, config.vocabSize(), dim, 1 / Math.sqrt(dim), random);
        }
        writer.write(out);
    }

    private static void matrix(GgufWriter writer, String name, GgmlType type, int rows, int cols, double scale,
                               SplittableRandom random) {
        float[] values = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * scale);
        }
        writer.addQuantized(name, type, new long[] {cols, rows}, values);
    }

    private static void norm(GgufWriter writer, String name, int dim, SplittableRandom random) {
        float[] values = new float[dim];
        for (int i = 0; i < dim; i++) {
            values[i] = (float) (1 + 0.1 * random.nextGaussian());
        }
        writer.addQuantized(name, GgmlType.F32, new long[] {dim}, values);
    }
}
