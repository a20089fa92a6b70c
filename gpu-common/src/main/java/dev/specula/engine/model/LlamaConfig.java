package dev.specula.engine.model;

import dev.specula.engine.kernel.RopeStyle;

/**
 * The hyperparameters of a Llama-family model.
 *
 * @param architecture  the GGUF architecture name, one of {@link Architecture#names()}
 * @param dim           embedding width
 * @param hiddenDim     feed-forward width
 * @param layers        transformer blocks
 * @param heads         query heads
 * @param kvHeads       key/value heads (fewer than {@code heads} for grouped-query attention)
 * @param headSize      width of one head
 * @param vocabSize     vocabulary entries
 * @param contextLength positions the model was trained for (the largest KV cache)
 * @param ropeTheta     RoPE base frequency
 * @param rmsEps        RMSNorm epsilon
 * @param ropeStyle     which elements RoPE pairs up
 * @param ropeScaling   the divisor of each RoPE frequency, or {@link RopeScaling#NONE}
 */
public record LlamaConfig(String architecture, int dim, int hiddenDim, int layers, int heads, int kvHeads,
                          int headSize, int vocabSize, int contextLength, float ropeTheta, float rmsEps,
                          RopeStyle ropeStyle, RopeScaling ropeScaling) {

    /** A configuration with unscaled RoPE. */
    public LlamaConfig(String architecture, int dim, int hiddenDim, int layers, int heads, int kvHeads, int headSize,
                       int vocabSize, int contextLength, float ropeTheta, float rmsEps, RopeStyle ropeStyle) {
        this(architecture, dim, hiddenDim, layers, heads, kvHeads, headSize, vocabSize, contextLength, ropeTheta,
                rmsEps, ropeStyle, RopeScaling.NONE);
    }

    public LlamaConfig {
        positive("dim", dim);
        positive("hiddenDim", hiddenDim);
        positive("layers", layers);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("headSize", headSize);
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("kvHeads: " + kvHeads + " (expected: a divisor of heads " + heads + ")");
        }
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("headSize: " + headSize + " (expected: even, for RoPE)");
        }
        if (!(ropeTheta > 0) || !(rmsEps > 0)) {
            throw new IllegalArgumentException("ropeTheta: " + ropeTheta + ", rmsEps: " + rmsEps + " (expected: > 0)");
        }
        if (ropeScaling.scaled() && ropeScaling.divisors().length != headSize / 2) {
            throw new IllegalArgumentException("ropeScaling: " + ropeScaling.divisors().length + " divisors (expected: "
                    + headSize / 2 + ", one per frequency of a head of " + headSize + ")");
        }
    }

    /** A copy with only {@code newLayers} blocks (for cut-down exports). */
    public LlamaConfig withLayers(int newLayers) {
        return new LlamaConfig(architecture, dim, hiddenDim, newLayers, heads, kvHeads, headSize, vocabSize,
                contextLength, ropeTheta, rmsEps, ropeStyle, ropeScaling);
    }

    /** Width of all query heads together. */
    public int queryDim() {
        return heads * headSize;
    }

    /** Width of all key (or value) heads together. */
    public int kvDim() {
        return kvHeads * headSize;
    }

    /** Parameters in the transformer's matrices and embeddings (norms, biases and head norms included). */
    public long parameterCount(boolean sharedClassifier) {
        long perLayer = (long) dim * queryDim() * 2 + (long) dim * kvDim() * 2 + 3L * dim * hiddenDim + 2L * dim;
        Architecture kind = Architecture.of(architecture);
        if (kind.biases()) {
            perLayer += queryDim() + 2L * kvDim();
        }
        if (kind.headNorms()) {
            perLayer += 2L * headSize;
        }
        long embeddings = (long) vocabSize * dim * (sharedClassifier ? 1 : 2);
        return perLayer * layers + embeddings + dim;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
        }
    }
}
