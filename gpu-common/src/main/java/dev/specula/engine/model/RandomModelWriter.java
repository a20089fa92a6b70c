package dev.specula.engine.model;

import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a GGUF model with seeded random weights, in the tensor layout of real files of the config's
 * {@link Architecture} (Qwen2's biases, Qwen3's head norms, Phi-3's fused matrices, Llama 3's
 * {@code rope_freqs.weight}): for tests of every architecture and tensor type, and for benchmarks at sizes no
 * bundled model has. Norm gains and biases stay F32, as llama.cpp stores them; matrices take {@code type}.
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
        Architecture architecture = Architecture.of(config.architecture());
        SplittableRandom random = new SplittableRandom(seed);
        // Biases and head norms draw from their own stream, so that files of every architecture written with
        // one seed share their matrices (a fused matrix is its parts' rows one after another).
        SplittableRandom extras = new SplittableRandom(seed + 1);
        int dim = config.dim();
        double inScale = 1 / Math.sqrt(dim);
        matrix(writer, "token_embd.weight", type, config.vocabSize(), dim, 1.0, random);
        for (int l = 0; l < config.layers(); l++) {
            String p = "blk." + l + ".";
            norm(writer, p + "attn_norm.weight", dim, random);
            if (architecture.fusedProjections()) {
                matrix(writer, p + "attn_qkv.weight", type, config.queryDim() + 2 * config.kvDim(), dim, inScale, random);
            } else {
                matrix(writer, p + "attn_q.weight", type, config.queryDim(), dim, inScale, random);
                matrix(writer, p + "attn_k.weight", type, config.kvDim(), dim, inScale, random);
                matrix(writer, p + "attn_v.weight", type, config.kvDim(), dim, inScale, random);
            }
            matrix(writer, p + "attn_output.weight", type, dim, config.queryDim(), 1 / Math.sqrt(config.queryDim()), random);
            if (architecture.biases()) {
                vector(writer, p + "attn_q.bias", config.queryDim(), 0, 0.5, extras);
                vector(writer, p + "attn_k.bias", config.kvDim(), 0, 0.5, extras);
                vector(writer, p + "attn_v.bias", config.kvDim(), 0, 0.5, extras);
            }
            if (architecture.headNorms()) {
                vector(writer, p + "attn_q_norm.weight", config.headSize(), 1, 0.5, extras);
                vector(writer, p + "attn_k_norm.weight", config.headSize(), 1, 0.5, extras);
            }
            norm(writer, p + "ffn_norm.weight", dim, random);
            if (architecture.fusedProjections()) {
                matrix(writer, p + "ffn_up.weight", type, 2 * config.hiddenDim(), dim, inScale, random);
            } else {
                matrix(writer, p + "ffn_gate.weight", type, config.hiddenDim(), dim, inScale, random);
                matrix(writer, p + "ffn_up.weight", type, config.hiddenDim(), dim, inScale, random);
            }
            matrix(writer, p + "ffn_down.weight", type, dim, config.hiddenDim(), 1 / Math.sqrt(config.hiddenDim()), random);
        }
        norm(writer, "output_norm.weight", dim, random);
        if (!tiedClassifier) {
            matrix(writer, "output.weight", type, config.vocabSize(), dim, inScale, random);
        }
        GgufExport.addRopeScaling(writer, config);
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
        vector(writer, name, dim, 1, 0.1, random);
    }

    /** An F32 vector of {@code mean + spread * N(0, 1)} values, as llama.cpp stores norm gains and biases. */
    private static void vector(GgufWriter writer, String name, int size, double mean, double spread,
                               SplittableRandom random) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (mean + spread * random.nextGaussian());
        }
        writer.addQuantized(name, GgmlType.F32, new long[] {size}, values);
    }
}
