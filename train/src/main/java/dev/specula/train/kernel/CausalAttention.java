package dev.specula.train.kernel;

import dev.specula.engine.kernel.cpu.VectorMath;

import java.util.Arrays;

/**
 * Causal multi-head attention with grouped-query heads over a batch of training sequences, and its gradient.
 * Query head {@code h} reads key/value head {@code h / (heads / kvHeads)}, as in the engine. Row {@code b·T + t}
 * of every array is position {@code t} of sequence {@code b}.
 *
 * @param batch    sequences
 * @param seqLen   positions per sequence (T)
 * @param heads    query heads
 * @param kvHeads  key/value heads
 * @param headSize width of one head
 */
public record CausalAttention(int batch, int seqLen, int heads, int kvHeads, int headSize) {

    /** Length of the probabilities array: {@code [batch, heads, T, T]}, zero above the diagonal. */
    public int probabilitiesLength() {
        return batch * heads * seqLen * seqLen;
    }

    /**
     * {@code out = softmax(q·kᵀ / √headSize, causal) · v}, keeping the probabilities for the backward pass.
     *
     * @param q     {@code [batch·T, heads·headSize]}, RoPE already applied
     * @param k     {@code [batch·T, kvHeads·headSize]}, RoPE already applied
     * @param v     {@code [batch·T, kvHeads·headSize]}
     * @param probs {@code [batch, heads, T, T]}
     * @param out   {@code [batch·T, heads·headSize]}
     */
    public void forward(float[] q, float[] k, float[] v, float[] probs, float[] out, Workers workers) {
        int qWidth = heads * headSize;
        int kvWidth = kvHeads * headSize;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        workers.forEach(batch * heads, task -> {
            int b = task / heads;
            int h = task % heads;
            int kvOff = (h / group) * headSize;
            for (int t = 0; t < seqLen; t++) {
                int qOff = (b * seqLen + t) * qWidth + h * headSize;
                int pOff = ((b * heads + h) * seqLen + t) * seqLen;
                float max = Float.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    float score = VectorMath.dot(q, qOff, k, (b * seqLen + s) * kvWidth + kvOff, headSize) * scale;
                    probs[pOff + s] = score;
                    max = Math.max(max, score);
                }
                float sum = 0f;
                for (int s = 0; s <= t; s++) {
                    float e = (float) Math.exp(probs[pOff + s] - max);
                    probs[pOff + s] = e;
                    sum += e;
                }
                Arrays.fill(out, qOff, qOff + headSize, 0f);
                for (int s = 0; s <= t; s++) {
                    probs[pOff + s] /= sum;
                    VectorMath.axpy(probs[pOff + s], v, (b * seqLen + s) * kvWidth + kvOff, out, qOff, headSize);
                }
            }
        });
    }

    /**
     * Accumulates the gradients of q, k and v from {@code dOut}. With {@code dP = dOut · vᵀ}, the softmax
     * gradient is {@code dS = P ⊙ (dP − rowsum(P ⊙ dP))}; then {@code dq = dS · k / √d}, {@code dk = dSᵀ · q / √d},
     * {@code dv = Pᵀ · dOut}. One task per (sequence, key/value head) owns that head's dk and dv, so no two
     * threads write the same element.
     */
    public void backward(float[] q, float[] k, float[] v, float[] probs, float[] dOut,
                         float[] dq, float[] dk, float[] dv, Workers workers) {
        int qWidth = heads * headSize;
        int kvWidth = kvHeads * headSize;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        workers.forEach(batch * kvHeads, task -> {
            int b = task / kvHeads;
            int kvOff = (task % kvHeads) * headSize;
            float[] dScores = new float[seqLen];
            for (int h = (task % kvHeads) * group; h < (task % kvHeads + 1) * group; h++) {
                for (int t = 0; t < seqLen; t++) {
                    int qOff = (b * seqLen + t) * qWidth + h * headSize;
                    int pOff = ((b * heads + h) * seqLen + t) * seqLen;
                    float weighted = 0f;
                    for (int s = 0; s <= t; s++) {
                        int kv = (b * seqLen + s) * kvWidth + kvOff;
                        dScores[s] = VectorMath.dot(dOut, qOff, v, kv, headSize);
                        weighted += probs[pOff + s] * dScores[s];
                        VectorMath.axpy(probs[pOff + s], dOut, qOff, dv, kv, headSize);
                    }
                    for (int s = 0; s <= t; s++) {
                        int kv = (b * seqLen + s) * kvWidth + kvOff;
                        float ds = probs[pOff + s] * (dScores[s] - weighted) * scale;
                        VectorMath.axpy(ds, k, kv, dq, qOff, headSize);
                        VectorMath.axpy(ds, q, qOff, dk, kv, headSize);
                    }
                }
            }
        });
    }
}
