package dev.specula.drafter;

import io.opentelemetry.api.metrics.Meter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of one drafter service. They are state the service keeps anyway (the session limit needs the open
 * count), so OpenTelemetry observes them when it collects, as {@code specula_drafter_*} metrics, instead of
 * counting a second time on the drafting loop. Thread-safe.
 */
public final class DrafterMetrics {

    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicLong sessionsOpened = new AtomicLong();
    private final AtomicLong blocksSent = new AtomicLong();
    private final AtomicLong tokensDrafted = new AtomicLong();
    private final AtomicLong blocksDiscarded = new AtomicLong();

    /** Counts that {@code meter} observes; {@code passes} and {@code requests} read the models' batchers. */
    DrafterMetrics(Meter meter, java.util.function.LongSupplier passes, java.util.function.LongSupplier requests) {
        meter.gaugeBuilder("specula_drafter_sessions_open").ofLongs()
                .setDescription("Drafting sessions open now (each holds a KV cache)")
                .buildWithCallback(m -> m.record(openSessions.get()));
        meter.counterBuilder("specula_drafter_sessions")
                .setDescription("Drafting sessions accepted since start")
                .buildWithCallback(m -> m.record(sessionsOpened.get()));
        meter.counterBuilder("specula_drafter_blocks_sent")
                .setDescription("Draft blocks sent to verifiers")
                .buildWithCallback(m -> m.record(blocksSent.get()));
        meter.counterBuilder("specula_drafter_draft_tokens")
                .setDescription("Draft tokens in the blocks sent")
                .buildWithCallback(m -> m.record(tokensDrafted.get()));
        meter.counterBuilder("specula_drafter_blocks_discarded")
                .setDescription("Blocks drafted ahead on a prefix a verdict then rejected")
                .buildWithCallback(m -> m.record(blocksDiscarded.get()));
        meter.counterBuilder("specula_drafter_forward_passes")
                .setDescription("Forward passes of the draft models; forward_requests / forward_passes is the mean batch")
                .buildWithCallback(m -> m.record(passes.getAsLong()));
        meter.counterBuilder("specula_drafter_forward_requests")
                .setDescription("Session forward requests served by those passes")
                .buildWithCallback(m -> m.record(requests.getAsLong()));
    }

    /** Sessions open now (from a successful {@code open} until their stream ends and the KV cache is freed). */
    public int openSessions() {
        return openSessions.get();
    }

    /** Sessions accepted since start. */
    public long sessionsOpened() {
        return sessionsOpened.get();
    }

    /** Draft blocks sent to verifiers. */
    public long blocksSent() {
        return blocksSent.get();
    }

    /** Draft tokens in the blocks sent. */
    public long tokensDrafted() {
        return tokensDrafted.get();
    }

    /**
     * Blocks drafted ahead on a prefix that a verdict then rejected: dropped before sending, or sent and
     * then fenced off by the verifier.
     */
    public long blocksDiscarded() {
        return blocksDiscarded.get();
    }

    /** Takes a session slot unless {@code limit} sessions are open; true when taken. */
    boolean tryOpen(int limit) {
        while (true) {
            int open = openSessions.get();
            if (open >= limit) {
                return false;
            }
            if (openSessions.compareAndSet(open, open + 1)) {
                sessionsOpened.incrementAndGet();
                return true;
            }
        }
    }

    void closed() {
        openSessions.decrementAndGet();
    }

    void sent(Draft draft) {
        blocksSent.incrementAndGet();
        tokensDrafted.addAndGet(draft.size());
    }

    void discarded(int blocks) {
        blocksDiscarded.addAndGet(blocks);
    }
}
