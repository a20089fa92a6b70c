package dev.specula.engine.model;

import java.util.Arrays;

/**
 * One sequence being generated: its KV cache, and a forward pass of its own for when it runs alone (the
 * {@link BatchedForward} pass with this session as the only segment). Not thread-safe; one thread drives a
 * session at a time.
 */
public final class InferenceSession implements AutoCloseable {

    /**
     * Tokens per pass when an input is longer than one segment (a long prompt): a multiple of the four tokens
     * the vector backend's matmul takes together, and no more than the rows of the session's pass.
     */
    static final int PREFILL_CHUNK = 16;

    static {
        if (PREFILL_CHUNK > BatchedForward.MAX_SEGMENT_TOKENS) {
            throw new AssertionError("PREFILL_CHUNK " + PREFILL_CHUNK + " (expected: <= MAX_SEGMENT_TOKENS)");
        }
    }

    private final Transformer model;
    private final KvCache cache;
    private final BatchedForward pass; // rows: BatchedForward.MAX_SEGMENT_TOKENS
    private boolean closed;

    InferenceSession(Transformer model, KvCache cache) {
        this.model = model;
        this.cache = cache;
        this.pass = new BatchedForward(model, BatchedForward.MAX_SEGMENT_TOKENS);
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

    /**
     * Runs the tokens in one pass when they fit one segment ({@link BatchedForward#MAX_SEGMENT_TOKENS}: a block
     * to verify), else in passes of {@link #PREFILL_CHUNK}.
     */
    private float[][] forward(int[] tokens, boolean allLogits) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens: empty (expected: at least one token)");
        }
        cache.checkRoom(tokens.length); // before any pass, so a bad call leaves the cache as it was
        float[][] out = new float[allLogits ? tokens.length : 1][];
        int chunk = tokens.length <= BatchedForward.MAX_SEGMENT_TOKENS ? tokens.length : PREFILL_CHUNK;
        for (int start = 0; start < tokens.length; start += chunk) {
            int end = Math.min(tokens.length, start + chunk);
            boolean lastChunk = end == tokens.length;
            var segment = new BatchedForward.Segment(this, Arrays.copyOfRange(tokens, start, end), allLogits);
            float[][] logits = pass.forwardOne(segment, allLogits || lastChunk);
            if (allLogits) {
                System.arraycopy(logits, 0, out, start, logits.length);
            } else if (lastChunk) {
                out[0] = logits[0];
            }
        }
        return out;
    }

    KvCache cache() {
        return cache;
    }

    Transformer model() {
        return model;
    }

    /** Frees the KV cache and the session's pass buffers. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cache.close();
            pass.close();
        }
    }
}
