package dev.specula.drafter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one drafter service, for tests and metrics exporters. Thread-safe. */
public final class DrafterMetrics {

    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicLong sessionsOpened = new AtomicLong();
    private final AtomicLong blocksSent = new AtomicLong();
    private final AtomicLong tokensDrafted = new AtomicLong();
    private final AtomicLong blocksDiscarded = new AtomicLong();

    DrafterMetrics() {
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
