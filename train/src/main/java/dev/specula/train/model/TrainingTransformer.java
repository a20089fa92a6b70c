package dev.specula.train.model;

import dev.specula.engine.kernel.cpu.VectorMath;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.RopeTable;
import dev.specula.train.kernel.CausalAttention;
import dev.specula.train.kernel.Linear;
import dev.specula.train.kernel.RmsNorm;
import dev.specula.train.kernel.Rope;
import dev.specula.train.kernel.SwiGlu;
import dev.specula.train.kernel.Workers;

import java.util.Arrays;

/**
 * A Llama-architecture model for training: the engine's forward pass (RMSNorm, RoPE, grouped-query causal
 * attention, SwiGLU, classifier tied to the embedding) over a batch of whole sequences, and its backward pass,
 * which accumulates every parameter's gradient. Not thread-safe; it parallelises internally on its workers.
 */
public final class TrainingTransformer {

    private final LlamaConfig config;
    private final ParameterSet parameters;
    private final Workers workers;
    private final RopeTable rope;

    public TrainingTransformer(ParameterSet parameters, Workers workers) {
        this.config = parameters.config();
        this.parameters = parameters;
        this.workers = workers;
        this.rope = RopeTable.of(config);
    }

    public LlamaConfig config() {
        return config;
    }

    public ParameterSet parameters() {
        return parameters;
    }

    /** The threads this model computes on, for work that goes with its passes (losses). */
    public Workers workers() {
        return workers;
    }

    /**
     * Runs {@code batch} sequences of {@code seqLen} tokens each ({@code tokens: [batch · seqLen]}), every
     * position attending to the earlier positions of its own sequence.
     */
    public ForwardPass forward(int[] tokens, int batch, int seqLen) {
        if (batch <= 0 || seqLen <= 0 || seqLen > config.contextLength() || tokens.length != batch * seqLen) {
            throw new IllegalArgumentException("tokens: " + tokens.length + " for batch " + batch + " × seqLen " + seqLen
                    + " (expected: batch · seqLen tokens, seqLen in [1, " + config.contextLength() + "])");
        }
        int rows = batch * seqLen;
        int dim = config.dim();
        CausalAttention attention = attention(batch, seqLen);
        LayerActivations[] layers = new LayerActivations[config.layers()];
        ForwardPass pass = new ForwardPass(tokens, batch, seqLen, layers, dim, config.vocabSize());
        float[] embedding = parameters.get("token_embd.weight").value();
        float[] x = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            int token = tokens[i];
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("tokens[" + i + "]: " + token + " (expected: in [0, "
                        + config.vocabSize() + "))");
            }
            System.arraycopy(embedding, token * dim, x, i * dim, dim);
        }
        for (int l = 0; l < config.layers(); l++) {
            LayerActivations a = new LayerActivations(config, rows, attention.probabilitiesLength());
            layers[l] = a;
            System.arraycopy(x, 0, a.input, 0, x.length);
            block(l, a, attention, rows, x);
        }
        System.arraycopy(x, 0, pass.last, 0, x.length);
        RmsNorm.forward(x, value("output_norm.weight"), config.rmsEps(), pass.finalNormed, pass.finalInverseRms, rows, dim,
                workers);
        Linear.forward(pass.finalNormed, embedding, pass.logits, rows, dim, config.vocabSize(), workers);
        return pass;
    }

    /** One block on the residual stream {@code x}, updated in place. */
    private void block(int l, LayerActivations a, CausalAttention attention, int rows, float[] x) {
        String p = "blk." + l + ".";
        int dim = config.dim();
        RmsNorm.forward(x, value(p + "attn_norm.weight"), config.rmsEps(), a.attnNormed, a.attnInverseRms, rows, dim, workers);
        Linear.forward(a.attnNormed, value(p + "attn_q.weight"), a.q, rows, dim, config.queryDim(), workers);
        Linear.forward(a.attnNormed, value(p + "attn_k.weight"), a.k, rows, dim, config.kvDim(), workers);
        Linear.forward(a.attnNormed, value(p + "attn_v.weight"), a.v, rows, dim, config.kvDim(), workers);
        Rope.forward(a.q, rows, config.queryDim(), config.headSize(), attention.seqLen(), rope, config.ropeStyle(), workers);
        Rope.forward(a.k, rows, config.kvDim(), config.headSize(), attention.seqLen(), rope, config.ropeStyle(), workers);
        attention.forward(a.q, a.k, a.v, a.probs, a.attnOut, workers);
        float[] projected = new float[rows * dim];
        Linear.forward(a.attnOut, value(p + "attn_output.weight"), projected, rows, config.queryDim(), dim, workers);
        VectorMath.axpy(1f, projected, 0, x, 0, x.length);
        System.arraycopy(x, 0, a.middle, 0, x.length);
        RmsNorm.forward(x, value(p + "ffn_norm.weight"), config.rmsEps(), a.ffnNormed, a.ffnInverseRms, rows, dim, workers);
        Linear.forward(a.ffnNormed, value(p + "ffn_gate.weight"), a.gate, rows, dim, config.hiddenDim(), workers);
        Linear.forward(a.ffnNormed, value(p + "ffn_up.weight"), a.up, rows, dim, config.hiddenDim(), workers);
        SwiGlu.forward(a.gate, a.up, a.hidden, rows, config.hiddenDim(), workers);
        Linear.forward(a.hidden, value(p + "ffn_down.weight"), projected, rows, config.hiddenDim(), dim, workers);
        VectorMath.axpy(1f, projected, 0, x, 0, x.length);
    }

    /**
     * Accumulates every parameter's gradient of a loss whose gradient with respect to the logits is
     * {@code dLogits: [rows, vocab]}.
     */
    public void backward(ForwardPass pass, float[] dLogits) {
        int rows = pass.rows();
        int dim = config.dim();
        if (dLogits.length != rows * config.vocabSize()) {
            throw new IllegalArgumentException("dLogits: " + dLogits.length + " (expected: rows × vocab = "
                    + (long) rows * config.vocabSize() + ")");
        }
        Parameter embedding = parameters.get("token_embd.weight");
        float[] dNormed = new float[rows * dim];
        Linear.backward(dLogits, pass.finalNormed, embedding.value(), dNormed, embedding.grad(), rows, dim,
                config.vocabSize(), workers);
        float[] dx = new float[rows * dim];
        Parameter outputNorm = parameters.get("output_norm.weight");
        RmsNorm.backward(dNormed, pass.last, outputNorm.value(), pass.finalInverseRms, dx, outputNorm.grad(), rows, dim,
                workers);
        CausalAttention attention = attention(pass.batch, pass.seqLen);
        for (int l = config.layers() - 1; l >= 0; l--) {
            blockBackward(l, pass.layers[l], attention, rows, dx);
        }
        float[] dEmbedding = embedding.grad();
        // Serial, in row order: several rows may share a token.
        for (int i = 0; i < rows; i++) {
            int off = pass.tokens[i] * dim;
            for (int j = 0; j < dim; j++) {
                dEmbedding[off + j] += dx[i * dim + j];
            }
        }
    }

    /** Turns {@code dx}, the gradient at the block's output, into the gradient at its input, in place. */
    private void blockBackward(int l, LayerActivations a, CausalAttention attention, int rows, float[] dx) {
        String p = "blk." + l + ".";
        int dim = config.dim();
        int hiddenDim = config.hiddenDim();
        // Feed-forward half: dx flows through the residual unchanged, plus through the FFN.
        float[] dHidden = new float[rows * hiddenDim];
        linearBackward(dx, a.hidden, p + "ffn_down.weight", dHidden, rows, hiddenDim, dim);
        float[] dGate = new float[rows * hiddenDim];
        float[] dUp = new float[rows * hiddenDim];
        SwiGlu.backward(dHidden, a.gate, a.up, dGate, dUp, rows, hiddenDim, workers);
        float[] dNormed = new float[rows * dim];
        linearBackward(dGate, a.ffnNormed, p + "ffn_gate.weight", dNormed, rows, dim, hiddenDim);
        linearBackward(dUp, a.ffnNormed, p + "ffn_up.weight", dNormed, rows, dim, hiddenDim);
        Parameter ffnNorm = parameters.get(p + "ffn_norm.weight");
        RmsNorm.backward(dNormed, a.middle, ffnNorm.value(), a.ffnInverseRms, dx, ffnNorm.grad(), rows, dim, workers);
        // Attention half.
        float[] dAttnOut = new float[rows * config.queryDim()];
        linearBackward(dx, a.attnOut, p + "attn_output.weight", dAttnOut, rows, config.queryDim(), dim);
        float[] dq = new float[rows * config.queryDim()];
        float[] dk = new float[rows * config.kvDim()];
        float[] dv = new float[rows * config.kvDim()];
        attention.backward(a.q, a.k, a.v, a.probs, dAttnOut, dq, dk, dv, workers);
        Rope.backward(dq, rows, config.queryDim(), config.headSize(), attention.seqLen(), rope, config.ropeStyle(), workers);
        Rope.backward(dk, rows, config.kvDim(), config.headSize(), attention.seqLen(), rope, config.ropeStyle(), workers);
        Arrays.fill(dNormed, 0f);
        linearBackward(dq, a.attnNormed, p + "attn_q.weight", dNormed, rows, dim, config.queryDim());
        linearBackward(dk, a.attnNormed, p + "attn_k.weight", dNormed, rows, dim, config.kvDim());
        linearBackward(dv, a.attnNormed, p + "attn_v.weight", dNormed, rows, dim, config.kvDim());
        Parameter attnNorm = parameters.get(p + "attn_norm.weight");
        RmsNorm.backward(dNormed, a.input, attnNorm.value(), a.attnInverseRms, dx, attnNorm.grad(), rows, dim, workers);
    }

    private void linearBackward(float[] dy, float[] x, String weight, float[] dx, int rows, int in, int out) {
        Parameter w = parameters.get(weight);
        Linear.backward(dy, x, w.value(), dx, w.grad(), rows, in, out, workers);
    }

    private CausalAttention attention(int batch, int seqLen) {
        return new CausalAttention(batch, seqLen, config.heads(), config.kvHeads(), config.headSize());
    }

    private float[] value(String name) {
        return parameters.get(name).value();
    }
}
