package dev.specula.engine.model;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The forward pass: the next tokens of one or several sessions pushed through every transformer block at
 * once. The weight matmuls, where decoding spends its time reading weights, run once over the rows of every
 * session; RoPE and attention run per session against its own KV cache. A session's own decoding and prefill
 * is this pass with one segment ({@link InferenceSession}); a drafter batches the draft steps of concurrent
 * sessions and a verifier the blocks of many sessions through it. Not thread-safe: one thread runs the passes.
 */
public final class BatchedForward implements AutoCloseable {

    /**
     * Tokens of one session in one pass: room for the verification of the longest block the wire contract
     * allows (the last committed token plus {@code ProtocolLimits.MAX_DRAFT_LENGTH} = 16 drafts; the verifier
     * refuses to start where its protocol's block would not fit). Longer inputs of one session (prefill) run as
     * several passes.
     */
    public static final int MAX_SEGMENT_TOKENS = 17;

    /** Rows (tokens over all sessions) in one shared pass; more run as several passes. */
    public static final int MAX_ROWS = 64;

    static {
        if (MAX_ROWS < MAX_SEGMENT_TOKENS) {
            throw new AssertionError("MAX_ROWS " + MAX_ROWS + " (expected: >= MAX_SEGMENT_TOKENS " + MAX_SEGMENT_TOKENS + ")");
        }
    }

    /**
     * One session's part of a pass.
     *
     * @param session   the session; its KV cache grows by {@code tokens.length}
     * @param tokens    its next tokens, 1 to {@link #MAX_SEGMENT_TOKENS}
     * @param allLogits whether to return the logits after every token (verification) or only after the last
     */
    public record Segment(InferenceSession session, int[] tokens, boolean allLogits) {
        public Segment {
            Objects.requireNonNull(session, "session");
            if (tokens.length == 0 || tokens.length > MAX_SEGMENT_TOKENS) {
                throw new IllegalArgumentException("tokens: " + tokens.length + " (expected: 1.."
                        + MAX_SEGMENT_TOKENS + " per session in one pass)");
            }
        }

        int logitRows() {
            return allLogits ? tokens.length : 1;
        }
    }

    private final Transformer model;
    private final Backend backend;
    private final int capacity;        // rows in one pass
    private final DeviceBuffer x;      // [capacity, dim] residual stream
    private final DeviceBuffer xb;     // [capacity, dim]
    private final DeviceBuffer q;      // [capacity, queryDim]
    private final DeviceBuffer k;      // [capacity, kvDim]
    private final DeviceBuffer v;      // [capacity, kvDim]
    private final DeviceBuffer att;    // [capacity, queryDim]
    private final DeviceBuffer gate;   // [capacity, hiddenDim]
    private final DeviceBuffer up;     // [capacity, hiddenDim]
    private final DeviceBuffer picked; // [capacity, dim] the rows whose logits are wanted
    private final DeviceBuffer logits; // [capacity, vocab]
    private SegmentScratch scratch;    // allocated when a segment first starts past row 0
    private boolean closed;

    /** A pass of up to {@link #MAX_ROWS} rows, for batching the sessions of {@code model}. */
    public BatchedForward(Transformer model) {
        this(model, MAX_ROWS);
    }

    /** A pass of up to {@code capacity} rows (at least {@link #MAX_SEGMENT_TOKENS}). */
    BatchedForward(Transformer model, int capacity) {
        if (capacity < MAX_SEGMENT_TOKENS) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= " + MAX_SEGMENT_TOKENS + ")");
        }
        this.model = model;
        this.backend = model.backend();
        this.capacity = capacity;
        LlamaConfig c = model.config();
        x = backend.allocate(capacity, c.dim());
        xb = backend.allocate(capacity, c.dim());
        q = backend.allocate(capacity, c.queryDim());
        k = backend.allocate(capacity, c.kvDim());
        v = backend.allocate(capacity, c.kvDim());
        att = backend.allocate(capacity, c.queryDim());
        gate = backend.allocate(capacity, c.hiddenDim());
        up = backend.allocate(capacity, c.hiddenDim());
        picked = backend.allocate(capacity, c.dim());
        logits = backend.allocate(capacity, c.vocabSize());
    }

    /**
     * Runs every segment and returns, per segment in order, its logits: {@code [tokens.length, vocab]} when
     * {@code allLogits}, else {@code [1, vocab]}. Each session appears at most once.
     */
    public List<float[][]> forward(List<Segment> segments) {
        checkOpen();
        check(segments);
        List<float[][]> out = new ArrayList<>(segments.size());
        List<Segment> pass = new ArrayList<>();
        int rows = 0;
        for (Segment s : segments) {
            if (rows + s.tokens().length > capacity) {
                out.addAll(run(pass, rows, true));
                pass.clear();
                rows = 0;
            }
            pass.add(s);
            rows += s.tokens().length;
        }
        if (!pass.isEmpty()) {
            out.addAll(run(pass, rows, true));
        }
        return out;
    }

    /**
     * Runs one already checked segment as one pass, computing its logits only when {@code wantLogits}: the
     * chunks of a prefill before the last need none. Returns its logits, or null without them.
     */
    float[][] forwardOne(Segment segment, boolean wantLogits) {
        checkOpen();
        List<float[][]> out = run(List.of(segment), segment.tokens().length, wantLogits);
        return wantLogits ? out.getFirst() : null;
    }

    /** Checks every segment before any pass runs, so that a bad one leaves every KV cache as it was. */
    private void check(List<Segment> segments) {
        Set<InferenceSession> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Segment s : segments) {
            if (s.session().model() != model) {
                throw new IllegalArgumentException("segment: session of another model (expected: " + model + ")");
            }
            if (!seen.add(s.session())) {
                throw new IllegalArgumentException("segments: a session appears twice (expected: at most once)");
            }
            s.session().cache().checkRoom(s.tokens().length);
        }
    }

    /** One pass over {@code rows ≤ capacity} rows: embedding, every block, final norm, then the wanted logits. */
    private List<float[][]> run(List<Segment> segments, int rows, boolean wantLogits) {
        LlamaConfig c = model.config();
        int[] tokens = new int[rows];
        int offset = 0;
        for (Segment s : segments) {
            System.arraycopy(s.tokens(), 0, tokens, offset, s.tokens().length);
            offset += s.tokens().length;
        }
        backend.embed(model.tokenEmbedding(), tokens, x);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = model.layer(l);
            backend.rmsnorm(x, w.attentionNorm(), c.rmsEps(), xb, rows);
            backend.matmul(w.query(), xb, q, rows);
            backend.matmul(w.key(), xb, k, rows);
            backend.matmul(w.value(), xb, v, rows);
            if (w.queryBias() != null) {
                backend.addBias(q, w.queryBias(), rows);
                backend.addBias(k, w.keyBias(), rows);
                backend.addBias(v, w.valueBias(), rows);
            }
            if (w.queryNorm() != null) {
                backend.headRmsnorm(q, w.queryNorm(), c.rmsEps(), rows, c.headSize());
                backend.headRmsnorm(k, w.keyNorm(), c.rmsEps(), rows, c.headSize());
            }
            attendPerSession(segments, l);
            backend.matmul(w.output(), att, xb, rows);
            backend.add(x, xb, rows);
            backend.rmsnorm(x, w.ffnNorm(), c.rmsEps(), xb, rows);
            backend.matmul(w.gate(), xb, gate, rows);
            backend.matmul(w.up(), xb, up, rows);
            backend.swiglu(gate, up, rows);
            backend.matmul(w.down(), gate, xb, rows);
            backend.add(x, xb, rows);
        }
        backend.rmsnorm(x, model.outputNorm(), c.rmsEps(), x, rows);
        for (Segment s : segments) {
            s.session().cache().advance(s.tokens().length);
        }
        return wantLogits ? logitsOf(segments) : List.of();
    }

    /**
     * RoPE, the KV cache append and attention for each session's rows. The kernels work on a buffer's first
     * rows, so the segment at row 0 works in place and the others through a segment-sized scratch.
     */
    private void attendPerSession(List<Segment> segments, int layer) {
        int offset = 0;
        for (Segment s : segments) {
            int n = s.tokens().length;
            KvCache cache = s.session().cache();
            backend.copyRows(v, offset, cache.values(layer), cache.length(), n);
            if (offset == 0) {
                attend(cache, layer, q, k, att, n);
            } else {
                SegmentScratch sc = scratch();
                backend.copyRows(q, offset, sc.q, 0, n);
                backend.copyRows(k, offset, sc.k, 0, n);
                attend(cache, layer, sc.q, sc.k, sc.att, n);
                backend.copyRows(sc.att, 0, att, offset, n);
            }
            offset += n;
        }
    }

    /**
     * Rotates the first {@code n} rows of {@code sq, sk}, appends the keys to the cache (which already holds
     * these rows' values) and attends into {@code satt}.
     */
    private void attend(KvCache cache, int layer, DeviceBuffer sq, DeviceBuffer sk, DeviceBuffer satt, int n) {
        LlamaConfig c = model.config();
        int pos = cache.length();
        backend.rope(sq, n, c.headSize(), pos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
        backend.rope(sk, n, c.headSize(), pos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
        backend.copyRows(sk, 0, cache.keys(layer), pos, n);
        backend.attention(sq, cache.keys(layer), cache.values(layer), satt, n, pos, c.heads(), c.kvHeads(),
                c.headSize());
    }

    private List<float[][]> logitsOf(List<Segment> segments) {
        int vocab = model.config().vocabSize();
        int wanted = 0;
        int offset = 0;
        for (Segment s : segments) {
            int n = s.tokens().length;
            int from = s.allLogits() ? offset : offset + n - 1;
            backend.copyRows(x, from, picked, wanted, s.logitRows());
            wanted += s.logitRows();
            offset += n;
        }
        backend.matmul(model.classifier(), picked, logits, wanted);
        List<float[][]> out = new ArrayList<>(segments.size());
        int row = 0;
        for (Segment s : segments) {
            float[][] rows = new float[s.logitRows()][vocab];
            for (float[] r : rows) {
                backend.read(logits, row++, r);
            }
            out.add(rows);
        }
        return out;
    }

    private SegmentScratch scratch() {
        if (scratch == null) {
            LlamaConfig c = model.config();
            scratch = new SegmentScratch(backend.allocate(MAX_SEGMENT_TOKENS, c.queryDim()),
                    backend.allocate(MAX_SEGMENT_TOKENS, c.kvDim()), backend.allocate(MAX_SEGMENT_TOKENS, c.queryDim()));
        }
        return scratch;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("forward pass already closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (DeviceBuffer b : new DeviceBuffer[] {x, xb, q, k, v, att, gate, up, picked, logits}) {
                backend.free(b);
            }
            if (scratch != null) {
                backend.free(scratch.q);
                backend.free(scratch.k);
                backend.free(scratch.att);
            }
        }
    }

    /** Where a segment that does not start at row 0 runs RoPE and attention. */
    private record SegmentScratch(DeviceBuffer q,   // [MAX_SEGMENT_TOKENS, queryDim]
                                  DeviceBuffer k,   // [MAX_SEGMENT_TOKENS, kvDim]
                                  DeviceBuffer att) { // [MAX_SEGMENT_TOKENS, queryDim]
    }
}
