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
 * One forward pass over the next tokens of several sessions at once. The weight matmuls, where decoding
 * spends its time reading weights, run once over the rows of every session; RoPE and attention run per
 * session against its own KV cache. This is how a drafter batches the draft steps of concurrent sessions and
 * a verifier the blocks of many sessions. Not thread-safe: one thread runs the passes.
 */
public final class BatchedForward implements AutoCloseable {

    /** Rows (tokens over all sessions) in one pass; more run as several passes. */
    public static final int MAX_ROWS = 64;

    /**
     * One session's part of a pass.
     *
     * @param session   the session; its KV cache grows by {@code tokens.length}
     * @param tokens    its next tokens, 1 to {@link InferenceSession#MAX_BATCH}
     * @param allLogits whether to return the logits after every token (verification) or only after the last
     */
    public record Segment(InferenceSession session, int[] tokens, boolean allLogits) {
        public Segment {
            Objects.requireNonNull(session, "session");
            if (tokens.length == 0 || tokens.length > InferenceSession.MAX_BATCH) {
                throw new IllegalArgumentException("tokens: " + tokens.length + " (expected: 1.."
                        + InferenceSession.MAX_BATCH + " per session in a batched pass)");
            }
        }

        int logitRows() {
            return allLogits ? tokens.length : 1;
        }
    }

    private final Transformer model;
    private final Backend backend;
    private final DeviceBuffer x;      // [MAX_ROWS, dim] residual stream
    private final DeviceBuffer xb;     // [MAX_ROWS, dim]
    private final DeviceBuffer q;      // [MAX_ROWS, queryDim]
    private final DeviceBuffer k;      // [MAX_ROWS, kvDim]
    private final DeviceBuffer v;      // [MAX_ROWS, kvDim]
    private final DeviceBuffer att;    // [MAX_ROWS, queryDim]
    private final DeviceBuffer gate;   // [MAX_ROWS, hiddenDim]
    private final DeviceBuffer up;     // [MAX_ROWS, hiddenDim]
    private final DeviceBuffer picked; // [MAX_ROWS, dim] the rows whose logits are wanted
    private final DeviceBuffer logits; // [MAX_ROWS, vocab]
    private boolean closed;

    public BatchedForward(Transformer model) {
        this.model = model;
        this.backend = model.backend();
        LlamaConfig c = model.config();
        x = backend.allocate(MAX_ROWS, c.dim());
        xb = backend.allocate(MAX_ROWS, c.dim());
        q = backend.allocate(MAX_ROWS, c.queryDim());
        k = backend.allocate(MAX_ROWS, c.kvDim());
        v = backend.allocate(MAX_ROWS, c.kvDim());
        att = backend.allocate(MAX_ROWS, c.queryDim());
        gate = backend.allocate(MAX_ROWS, c.hiddenDim());
        up = backend.allocate(MAX_ROWS, c.hiddenDim());
        picked = backend.allocate(MAX_ROWS, c.dim());
        logits = backend.allocate(MAX_ROWS, c.vocabSize());
    }

    /**
     * Runs every segment and returns, per segment in order, its logits: {@code [tokens.length, vocab]} when
     * {@code allLogits}, else {@code [1, vocab]}. Each session appears at most once.
     */
    public List<float[][]> forward(List<Segment> segments) {
        if (closed) {
            throw new IllegalStateException("batched forward pass already closed");
        }
        check(segments);
        List<float[][]> out = new ArrayList<>(segments.size());
        List<Segment> pass = new ArrayList<>();
        int rows = 0;
        for (Segment s : segments) {
            if (rows + s.tokens().length > MAX_ROWS) {
                out.addAll(run(pass, rows));
                pass.clear();
                rows = 0;
            }
            pass.add(s);
            rows += s.tokens().length;
        }
        if (!pass.isEmpty()) {
            out.addAll(run(pass, rows));
        }
        return out;
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
            KvCache cache = s.session().cache();
            cache.checkOpen();
            if (cache.length() + s.tokens().length > cache.capacity()) {
                throw new IllegalArgumentException("tokens: " + s.tokens().length + " at position " + cache.length()
                        + " (expected: at most " + (cache.capacity() - cache.length()) + " to fit the context of "
                        + cache.capacity() + ")");
            }
        }
    }

    private List<float[][]> run(List<Segment> segments, int rows) {
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
        return logitsOf(segments);
    }

    /** RoPE, the KV cache append and attention for each session's rows, through its own scratch buffers. */
    private void attendPerSession(List<Segment> segments, int layer) {
        LlamaConfig c = model.config();
        int offset = 0;
        for (Segment s : segments) {
            InferenceSession session = s.session();
            KvCache cache = session.cache();
            int n = s.tokens().length;
            int pos = cache.length();
            DeviceBuffer sq = session.queryScratch();
            DeviceBuffer sk = session.keyScratch();
            DeviceBuffer satt = session.attentionScratch();
            backend.copyRows(q, offset, sq, 0, n);
            backend.copyRows(k, offset, sk, 0, n);
            backend.rope(sq, n, c.headSize(), pos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
            backend.rope(sk, n, c.headSize(), pos, model.ropeCos(), model.ropeSin(), c.ropeStyle());
            backend.copyRows(sk, 0, cache.keys(layer), pos, n);
            backend.copyRows(v, offset, cache.values(layer), pos, n);
            backend.attention(sq, cache.keys(layer), cache.values(layer), satt, n, pos, c.heads(), c.kvHeads(),
                    c.headSize());
            backend.copyRows(satt, 0, att, offset, n);
            offset += n;
        }
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

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (DeviceBuffer b : new DeviceBuffer[] {x, xb, q, k, v, att, gate, up, picked, logits}) {
                backend.free(b);
            }
        }
    }
}
