package dev.specula.verifier;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of sessions: at most {@code maxSessions} run at once; up to {@code maxQueued} more wait for one, first
 * come first served (a fair semaphore hands permits over in arrival order), each for at most its own bound; a
 * waiter that gives up, or is interrupted because its call was cancelled, leaves the queue. Thread-safe.
 */
final class SessionAdmission {

    private final Semaphore permits;
    private final int maxSessions;
    private final int maxQueued;
    private final AtomicInteger waiting = new AtomicInteger();

    SessionAdmission(int maxSessions, int maxQueued) {
        this.permits = new Semaphore(maxSessions, true);
        this.maxSessions = maxSessions;
        this.maxQueued = maxQueued;
    }

    /** Takes a session at once when one is free and nobody waits before us; false otherwise. */
    boolean tryEnter() {
        try {
            return permits.tryAcquire(0, TimeUnit.NANOSECONDS); // unlike tryAcquire(), honours the queue's order
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes a place in the queue; false when {@code maxQueued} already wait. Follow with {@link #await}. */
    boolean joinQueue() {
        while (true) {
            int now = waiting.get();
            if (now >= maxQueued) {
                return false;
            }
            if (waiting.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /**
     * Waits in the queue, after {@link #joinQueue}, for up to {@code nanos}: true when admitted (then
     * {@link #leave} when the session ends). Leaves the queue either way.
     */
    boolean await(long nanos) throws InterruptedException {
        try {
            return permits.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** A session ended: its place goes to the first waiter. */
    void leave() {
        permits.release();
    }

    /** Sessions running now. */
    int running() {
        return maxSessions - permits.availablePermits();
    }

    /** Sessions waiting now. */
    int waiting() {
        return waiting.get();
    }

    int maxSessions() {
        return maxSessions;
    }

    int maxQueued() {
        return maxQueued;
    }
}
