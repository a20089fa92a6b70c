package dev.specula.train.model;

/**
 * The result of {@link TrainingTransformer#forward}: the logits after every position of every sequence, and
 * the activations the backward pass needs.
 */
public final class ForwardPass {

    final int[] tokens;              // [batch · T]
    final int batch;
    final int seqLen;
    final LayerActivations[] layers;
    final float[] last;              // [rows, dim] residual stream after the last block
    final float[] finalInverseRms;   // [rows]
    final float[] finalNormed;       // [rows, dim]
    final float[] logits;            // [rows, vocab]

    ForwardPass(int[] tokens, int batch, int seqLen, LayerActivations[] layers, int dim, int vocab) {
        this.tokens = tokens;
        this.batch = batch;
        this.seqLen = seqLen;
        this.layers = layers;
        int rows = batch * seqLen;
        this.last = new float[rows * dim];
        this.finalInverseRms = new float[rows];
        this.finalNormed = new float[rows * dim];
        this.logits = new float[rows * vocab];
    }

    /** The logits, {@code [batch · T, vocab]}: row {@code b·T + t} predicts the token after position t. */
    public float[] logits() {
        return logits;
    }

    /** Token rows: {@code batch · T}. */
    public int rows() {
        return batch * seqLen;
    }
}
