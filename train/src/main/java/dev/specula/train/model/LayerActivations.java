package dev.specula.train.model;

import dev.specula.engine.model.LlamaConfig;

/** What one transformer block's forward pass keeps for its backward pass; rows are the batch's tokens. */
final class LayerActivations {

    final float[] input;         // [rows, dim] residual stream entering the block
    final float[] attnInverseRms; // [rows]
    final float[] attnNormed;    // [rows, dim]
    final float[] q;             // [rows, queryDim] after RoPE
    final float[] k;             // [rows, kvDim] after RoPE
    final float[] v;             // [rows, kvDim]
    final float[] probs;         // [batch, heads, T, T]
    final float[] attnOut;       // [rows, queryDim]
    final float[] middle;        // [rows, dim] residual stream after attention
    final float[] ffnInverseRms; // [rows]
    final float[] ffnNormed;     // [rows, dim]
    final float[] gate;          // [rows, hiddenDim] before SiLU
    final float[] up;            // [rows, hiddenDim]
    final float[] hidden;        // [rows, hiddenDim] silu(gate) ⊙ up

    LayerActivations(LlamaConfig c, int rows, int probabilities) {
        input = new float[rows * c.dim()];
        attnInverseRms = new float[rows];
        attnNormed = new float[rows * c.dim()];
        q = new float[rows * c.queryDim()];
        k = new float[rows * c.kvDim()];
        v = new float[rows * c.kvDim()];
        probs = new float[probabilities];
        attnOut = new float[rows * c.queryDim()];
        middle = new float[rows * c.dim()];
        ffnInverseRms = new float[rows];
        ffnNormed = new float[rows * c.dim()];
        gate = new float[rows * c.hiddenDim()];
        up = new float[rows * c.hiddenDim()];
        hidden = new float[rows * c.hiddenDim()];
    }
}
