package dev.specula.engine.batch;

import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the forward requests of many sessions of one model on one thread, batching every request that is
 * waiting when a pass starts into that pass. Each session's own logic stays sequential (submit, wait, decide)
 * while the model reads its weights once per pass for all of them. A session has at most one request in
 * flight, and touches its KV cache (truncate, close) only while it has none.
 */
public final class ForwardBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ForwardBatcher.class.getName());

    private record Request(InferenceSession session, int[] tokens, boolean allLogits,
                           CompletableFuture<float[][]> result) {
    }

    private final Transformer model;
    private final BatchedForward batched;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();
    private final IntConsumer passSizes;
    private volatile boolean closed;

    /** Starts the batching thread, named {@code name}. */
    public ForwardBatcher(Transformer model, String name) {
        this(model, name, size -> { });
    }

    /**
     * As {@link #ForwardBatcher(Transformer, String)}, telling {@code passSizes} the number of session requests
     * of every pass (on the batching thread, so it must be quick), for metrics.
     */
    public ForwardBatcher(Transformer model, String name, IntConsumer passSizes) {
        this.model = model;
        this.passSizes = passSizes;
        this.batched = new BatchedForward(model);
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    /** The model the passes run. */
    public Transformer model() {
        return model;
    }

    /**
     * Queues {@code tokens} of {@code session} for the next pass. The future completes with the logits after
     * every token ({@code allLogits}, {@code [tokens.length, vocab]}) or after the last ({@code [1, vocab]}),
     * or exceptionally if the pass fails (for example a full context).
     */
    public CompletableFuture<float[][]> submit(InferenceSession session, int[] tokens, boolean allLogits) {
        CompletableFuture<float[][]> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("forward batcher closed"));
            return result;
        }
        queue.add(new Request(session, tokens.clone(), allLogits, result));
        return result;
    }

    /** Passes run so far. */
    public long passes() {
        return passes.get();
    }

    /** Requests queued for the next pass now. */
    public int queued() {
        return queue.size();
    }

    /** Session requests served so far; {@code requests / passes} is the mean batch size. */
    public long requests() {
        return segments.get();
    }

    private void loop() {
        List<Request> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch);
            run(batch);
            batch.clear();
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new IllegalStateException("forward batcher closed"));
        }
    }

    private void run(List<Request> batch) {
        List<Request> small = new ArrayList<>();
        List<BatchedForward.Segment> pass = new ArrayList<>();
        for (Request r : batch) {
            if (r.tokens().length > BatchedForward.MAX_SEGMENT_TOKENS) {
                runAlone(r); // a long prefill: the session's own passes, one chunk at a time
            } else {
                small.add(r);
                pass.add(new BatchedForward.Segment(r.session(), r.tokens(), r.allLogits()));
            }
        }
        if (pass.isEmpty()) {
            return;
        }
        try {
            List<float[][]> logits = batched.forward(pass);
            passes.incrementAndGet();
            segments.addAndGet(pass.size());
            passSizes.accept(pass.size());
            for (int i = 0; i < small.size(); i++) {
                small.get(i).result().complete(logits.get(i));
            }
        } catch (RuntimeException e) {
            // One bad request must not fail the others: retry each alone so only the faulty one fails.
            LOG.log(Level.FINE, "batched pass failed; running its requests one by one", e);
            small.forEach(this::runAlone);
        }
    }

    private void runAlone(Request r) {
        try {
            float[][] logits = r.allLogits()
                    ? r.session().forwardAll(r.tokens())
                    : new float[][] {r.session().forwardLast(r.tokens())};
            passes.incrementAndGet();
            segments.incrementAndGet();
            passSizes.accept(1);
            r.result().complete(logits);
        } catch (RuntimeException e) {
            r.result().completeExceptionally(e);
        }
    }

    /** Stops the thread; requests still queued fail. Sessions stay open (their owners close them). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batched.close();
    }
}
