package dev.specula.engine.model;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;

import java.util.Arrays;

/**
 * One sequence being generated: its KV cache and the scratch buffers of the forward pass. Not thread-safe;
 * one thread drives a session at a time.
 */
public final class InferenceSession implements AutoCloseable {

    /** Tokens processed per pass through the layers; longer inputs run in chunks of this size. */
    public static final int MAX_BATCH = 16;

    private final Transformer model;
    private final Backend backend;
    private final KvCache cache;
    private final DeviceBuffer x;      // [MAX_BATCH, dim] residual stream
    private final DeviceBuffer xb;     // [MAX_BATCH, dim]
    private final DeviceBuffer q;      // [MAX_BATCH, heads * headSize]
    private final DeviceBuffer k;      // [MAX_BATCH, kvDim]
    private final DeviceBuffer v;      // [MAX_BATCH, kvDim]
    private final DeviceBuffer att;    // [MAX_BATCH, heads * headSize]
    private final DeviceBuffer gate;   // [MAX_BATCH, hiddenDim]
    private final DeviceBuffer up;     // [MAX_BATCH, hiddenDim]
    private final DeviceBuffer last;   // [1, dim]
    private final DeviceBuffer logits; // [MAX_BATCH, vocab]
    private boolean closed;

    InferenceSession(Transformer model, KvCache cache) {
        this.model = model;
        this.backend = model.backend();
        this.cache = cache;
        LlamaConfig c = model.config();
        x = backend.allocate(MAX_BATCH, c.dim());
        xb = backend.allocate(MAX_BATCH, c.dim());
        q = backend.allocate(MAX_BATCH, c.queryDim());
        k = backend.allocate(MAX_BATCH, c.kvDim());
        v = backend.allocate(MAX_BATCH, c.kvDim());
        att = backend.allocate(MAX_BATCH, c.queryDim());
        gate = backend.allocate(MAX_BATCH, c.hiddenDim());
        up = backend.allocate(MAX_BATCH, c.hiddenDim());
        last = backend.allocate(1, c.dim());
        logits = backend.allocate(MAX_BATCH, c.vocabSize());
    }

    /** Positions already in the KV cache: the next token goes at this position. */
    public int position() {
        return cache.length();
    }

    /** Positions the session can hold in all. */
    public int capacity() {
        return cache.capacity();
    }

    /** Rolls the session back so that only the first {@code length} positions remain. */
    public void truncate(int length) {
        cache.truncate(length);
    }

    /**
     * Runs {@code tokens} at the next positions and returns the logits after every one of them:
     * {@code [tokens.length, vocab]}. This is how a block is verified: the last committed token plus k drafts.
     */
    public float[][] forwardAll(int[] tokens) {
        return forward(tokens, true);
    }

    /** Runs {@code tokens} at the next positions and returns only the logits after the last one (prefill). */
    public float[] forwardLast(int[] tokens) {
        float[][] out = forward(tokens, false);
        return out[0];
    }

    /** One decoding step: the logits after {@code token}. */
    public float[] step(int token) {
        return forwardLast(new int[] {token});
    }

    private float[][] forward(int[] tokens, boolean allLogits) {
        cache.checkOpen();
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens: empty (expected: at least one token)");
        }
        if (position() + tokens.length > capacity()) {
            throw new IllegalArgumentException("tokens: " + tokens.length + " at position " + position()
                    + " (expected: at most " + (capacity() - position()) + " to fit the context of " + capacity() + ")");
        }
        int vocab = model.config().vocabSize();
        float[][] out = new float[allLogits ? tokens.length : 1][vocab];
        for (int start = 0; start < tokens.length; start += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, tokens.length - start);
            int[] chunk = Arrays.copyOfRange(tokens, start, start + n);
            boolean lastChunk = start + n == tokens.length;
            runLayers(chunk);
            if (allLogits) {
                backend.matmul(model.classifier(), x, logits, n);
                for (int i = 0; i < n; i++) {
                    backend.read(logits, i, out[start + i]);
                }
            } else if (lastChunk) {
                backend.copyRows(x, n - 1, last, 0, 1);
                backend.matmul(model.classifier(), last, logits, 1);
                backend.read(logits, 0, out[0]);
            }
        }
        return out;
    }

    /** Pushes {@code n ≤ MAX_BATCH} tokens through every block, leaving the final-normed states in {@code x}. */
    private void runLayers(int[] tokens) {
        LlamaConfig c = model.config();
        int n = tokens.length;
        int startPos = cache.length();
        backend.embed(model.tokenEmbedding(), tokens, x);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = model.layer(l);
            backend.rmsnorm(x, w.attentionNorm(), c.rmsEps(), xb, n);
            backend.matmul(w.query(), xb, q, n);
            backend.matmul(w.key(), xb, k, n);
            backend.matmul(w.value(), xb, v, n);
            if (w.queryBias() != null) {
                backend.addBias(q, w.queryBias(), n);
                backend.addBias(k, w.keyBias(), n);
                backend.addBias(v, w.valueBias(), n);
            }
            backend.rope(q, n, c.headSize(), startPos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
            backend.rope(k, n, c.headSize(), startPos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
            backend.copyRows(k, 0, cache.keys(l), startPos, n);
            backend.copyRows(v, 0, cache.values(l), startPos, n);
            backend.attention(q, cache.keys(l), cache.values(l), att, n, startPos, c.heads(), c.kvHeads(), c.headSize());
            backend.matmul(w.output(), att, xb, n);
            backend.add(x, xb, n);
            backend.rmsnorm(x, w.ffnNorm(), c.rmsEps(), xb, n);
            backend.matmul(w.gate(), xb, gate, n);
            backend.matmul(w.up(), xb, up, n);
            backend.swiglu(gate, up, n);
            backend.matmul(w.down(), gate, xb, n);
            backend.add(x, xb, n);
        }
        backend.rmsnorm(x, model.outputNorm(), c.rmsEps(), x, n);
        cache.advance(n);
    }

    KvCache cache() {
        return cache;
    }

    Transformer model() {
        return model;
    }

    /** Per-session scratch a batched pass uses for this session's rows: {@code [MAX_BATCH, queryDim]}. */
    DeviceBuffer queryScratch() {
        return q;
    }

    /** {@code [MAX_BATCH, kvDim]}. */
    DeviceBuffer keyScratch() {
        return k;
    }

    /** {@code [MAX_BATCH, queryDim]}. */
    DeviceBuffer attentionScratch() {
        return att;
    }

    /** Frees the KV cache and scratch buffers. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cache.close();
            for (DeviceBuffer b : new DeviceBuffer[] {x, xb, q, k, v, att, gate, up, last, logits}) {
                backend.free(b);
            }
        }
    }
}
