package dev.specula.engine.llama2c;

/**
 * The header of a llama2.c checkpoint: the model's sizes.
 *
 * @param dim              width of the residual stream
 * @param hiddenDim        width of the feed-forward layer
 * @param layers           number of transformer blocks
 * @param heads            number of query heads
 * @param kvHeads          number of key/value heads (fewer than {@code heads} for grouped-query attention)
 * @param vocabSize        number of tokens (always positive here; the file stores it negated when the
 *                         classifier is separate)
 * @param seqLen           longest sequence the model was trained for
 * @param sharedClassifier whether the output classifier reuses the token embedding table
 */
public record Llama2cConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize, int seqLen,
                            boolean sharedClassifier) {

    public Llama2cConfig {
        requirePositive("dim", dim);
        requirePositive("hidden_dim", hiddenDim);
        requirePositive("n_layers", layers);
        requirePositive("n_heads", heads);
        requirePositive("n_kv_heads", kvHeads);
        requirePositive("vocab_size", vocabSize);
        requirePositive("seq_len", seqLen);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " (expected: a multiple of n_heads " + heads + ")");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("n_heads " + heads + " (expected: a multiple of n_kv_heads "
                    + kvHeads + ")");
        }
    }

    /** Width of one attention head. */
    public int headSize() {
        return dim / heads;
    }

    /** Width of the keys and values of all key/value heads together. */
    public int kvDim() {
        return headSize() * kvHeads;
    }

    /**
     * Bytes of the file this header describes: the 28-byte header, the fp32 weights, the two unused RoPE
     * tables, and the classifier when it is separate.
     *
     * @throws ArithmeticException when the sizes overflow a {@code long}
     */
    public long fileBytes() {
        long d = dim;
        long perLayer = sum(2 * d,                                  // rms_att_weight, rms_ffn_weight
                Math.multiplyExact(2 * d, d),                        // wq, wo
                Math.multiplyExact(2L * kvDim(), d),                 // wk, wv
                Math.multiplyExact(3 * d, (long) hiddenDim));        // w1, w2, w3
        long floats = sum((long) vocabSize * d,                     // token_embedding_table
                Math.multiplyExact((long) layers, perLayer),
                d,                                                   // rms_final_weight
                2 * ((long) seqLen * headSize() / 2),                // freq_cis_real, freq_cis_imag (unused)
                sharedClassifier ? 0 : (long) vocabSize * d);        // wcls
        return Math.addExact(Llama2cCheckpoint.HEADER_BYTES, Math.multiplyExact(floats, 4L));
    }

    private static long sum(long... terms) {
        long total = 0;
        for (long t : terms) {
            total = Math.addExact(total, t);
        }
        return total;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " " + value + " (expected: positive)");
        }
    }
}
