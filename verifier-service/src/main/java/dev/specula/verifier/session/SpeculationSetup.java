package dev.specula.verifier.session;

import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import dev.specula.verifier.draftlength.DraftLengthPolicy;
import dev.specula.verifier.draftlength.DrafterHistory;
import dev.specula.verifier.drafter.DrafterException;
import dev.specula.verifier.drafter.DrafterLink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A session's drafter side: opens the link (through the target's circuit breaker), hands out valid blocks,
 * tracks the epoch and the draft length, sends verdicts, and falls back to plain decoding for the rest of the
 * session on any drafter failure, remembering what happened for the summary.
 *
 * <p>In auto mode the session never waits long for the drafter: it opens one only when what the verifier measured
 * of that drafter and of its own costs at the current load predicts a speedup ({@link
 * DraftLengthPolicy#worthOpening}, plus a rare probe to measure again), waits for the drafter's ready and for
 * each block at most {@link #patienceMs()} (a couple of plain steps), and a drafter that is merely slow costs the
 * session its speculation, never a circuit-breaker failure that would keep it from every other session. Fixed
 * mode waits for the drafter as configured.
 *
 * <p>Threads: {@link #open} runs beside the target's prefill; the session thread calls everything else but
 * {@link #cancel}, which may come from any thread.
 */
final class SpeculationSetup {

    /** In auto mode, a session waits for the drafter at most this many plain steps' time ... */
    static final double PATIENCE_STEPS = 2;
    /** ... and at least this long. */
    static final long MIN_PATIENCE_MS = 50;

    private final SessionSpec spec;
    private final SessionResources res;
    private final boolean auto;
    private final DrafterHistory history;
    private final DraftLengthPolicy policy;
    private volatile DrafterLink link;
    private DrafterLink opening; // guarded by this: the link whose ready is awaited
    private boolean abandoned; // guarded by this: the session stopped waiting for the open
    private CircuitBreaker breaker;
    private boolean permitted;
    private boolean recorded; // guarded by this
    private long openedNanos;
    private volatile String fallback;
    private volatile String drafterId;
    private int epoch;
    private int length;
    private volatile boolean cancelled;

    SpeculationSetup(SessionSpec spec, SessionResources res) {
        this.spec = spec;
        this.res = res;
        this.auto = spec.speculation().mode() == SpeculationPlan.Mode.AUTO;
        this.length = spec.speculation().draftLength();
        this.history = spec.speculates()
                ? res.drafters().history(spec.drafter().drafterId(), spec.drafter().target()) : new DrafterHistory();
        this.policy = new DraftLengthPolicy(length, spec.speculation().maxDraftLength(), res.timings(), history);
    }

    /**
     * Opens the drafter link when the session speculates (in auto mode, when it is expected to pay); on failure
     * the session stays plain.
     */
    void open(int[] sequence, int committed) {
        if (!spec.speculates() || cancelled) {
            return;
        }
        if (auto && !DraftLengthPolicy.worthOpening(res.timings(), res.timings().load(), history,
                spec.speculation().maxDraftLength()) && !res.drafters().tryProbe(System.nanoTime())) {
            return; // plain decoding is expected to be faster: a policy decision, not a fallback
        }
        DrafterTarget target = spec.drafter();
        try {
            breaker = res.drafters().breaker(target.target());
        } catch (IllegalStateException e) {
            fallback = target.describe() + ": " + e.getMessage() + ", decoding plainly";
            res.metrics().fellBack(FallbackCause.UNREACHABLE); // the pool will not open a channel to it
            return;
        }
        if (!breaker.tryAcquirePermission()) {
            fallback = target.describe() + ": circuit breaker open, decoding plainly";
            res.metrics().fellBack(FallbackCause.BREAKER_OPEN);
            return;
        }
        permitted = true;
        openedNanos = System.nanoTime();
        OpenDraft.Builder open = OpenDraft.newBuilder()
                .setSessionId(spec.sessionId())
                .setDrafterId(target.drafterId())
                .setSampling(sampling(spec.params()))
                .setVocabularyFingerprint(res.fingerprint())
                .setVocabularyTokenDigests(res.tokenDigests())
                .setDraftLength(length)
                .setDraftAhead(spec.speculation().draftAhead())
                .setMaxSequenceLength(spec.promptTokens().length + spec.maxTokens());
        for (int i = 0; i < committed; i++) {
            open.addTokens(sequence[i]);
        }
        DrafterLink started;
        try {
            // The channel carries the session's trace context to the drafter.
            started = DrafterLink.start(res.telemetry().instrument(res.drafters().channel(target.target())),
                    open.build());
        } catch (RuntimeException e) {
            fail(FallbackCause.UNREACHABLE, "could not be reached (" + e.getMessage() + ")");
            return;
        }
        synchronized (this) {
            if (cancelled || abandoned) {
                started.cancel("session no longer waits for the drafter");
                releasePermission();
                return;
            }
            opening = started;
        }
        try {
            started.awaitReady(res.drafterOpenTimeoutMs());
        } catch (DrafterException e) {
            synchronized (this) {
                opening = null;
                if (abandoned || auto && e.timedOut()) {
                    releasePermission(); // slow under load is no verdict on the drafter, and no fallback
                    return;
                }
            }
            fail(FallbackCause.OPEN_FAILED, e.getMessage());
            return;
        }
        synchronized (this) {
            opening = null;
            if (cancelled || abandoned) {
                started.cancel(cancelled ? "session stopped" : "session no longer waits for the drafter");
                releasePermission();
                return;
            }
            String id = started.ready().getDrafterId();
            drafterId = id.isEmpty() ? target.drafterId() : id;
            link = started;
        }
    }

    /**
     * Waits for {@code opening} (the {@link #open} running beside the prefill): in fixed mode until it ends, in
     * auto mode at most {@link #patienceMs()}, then gives up on the drafter for this session.
     */
    void awaitOpen(CompletableFuture<Void> opening) {
        if (!auto) {
            opening.join();
            return;
        }
        try {
            opening.get(patienceMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            DrafterLink abandon;
            synchronized (this) {
                abandoned = true;
                abandon = this.opening;
            }
            if (abandon != null) {
                abandon.cancel("session no longer waits for the drafter"); // frees the drafter's session at once
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /**
     * How long an auto-mode session waits for the drafter (its ready, or a block): {@link #PATIENCE_STEPS} plain
     * steps at the current load, within [{@link #MIN_PATIENCE_MS}, the block deadline].
     */
    long patienceMs() {
        double step = res.timings().millis(res.timings().load(), 1);
        long patience = Double.isNaN(step) ? res.blockDeadlineMs() : Math.round(PATIENCE_STEPS * step);
        return Math.min(res.blockDeadlineMs(), Math.max(MIN_PATIENCE_MS, patience));
    }

    /** The draft length of the next step: 0 when the session decodes plainly. */
    int nextLength() {
        return link == null ? 0 : length;
    }

    /**
     * Waits for a block drafted at {@code position} in the current epoch, dropping stale ones, until the block
     * deadline counted from {@code waitStart}; null when the drafter failed or missed the deadline (the
     * session then decodes plainly).
     */
    DraftBlock awaitBlock(int position, long waitStart) {
        long waitMs = auto ? patienceMs() : res.blockDeadlineMs();
        long deadline = waitStart + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (link != null) {
            DrafterLink.Event event;
            try {
                event = link.poll(deadline - System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(FallbackCause.INTERRUPTED, "was abandoned: the session was interrupted at position " + position);
                return null;
            }
            switch (event) {
                case null -> {
                    if (auto) {
                        tooSlow(waitMs, position);
                    } else {
                        fail(FallbackCause.DEADLINE_MISSED, "missed the block deadline of " + res.blockDeadlineMs()
                                + " ms at position " + position);
                    }
                }
                case DrafterLink.Ended ended -> fail(FallbackCause.STREAM_ENDED, ended.reason() + " at position "
                        + position);
                case DrafterLink.BlockArrived arrived -> {
                    DraftBlock block = arrived.block();
                    if (block.getBasePosition() == position && block.getEpoch() == epoch) {
                        return block;
                    }
                    // Drafted ahead on a prefix that was not committed: drop it silently.
                }
            }
        }
        return null;
    }

    /** Records the wait for a block of {@code drafted} tokens that will be verified. */
    void recordWait(int drafted, double waitMs) {
        policy.recordWait(drafted, waitMs);
    }

    /** A valid block was not verified (nothing more may be committed after one token): the epoch moves on. */
    void drop() {
        epoch++;
    }

    /**
     * After verifying a block asked with draft length {@code asked}: {@code accepted} of {@code drafted}
     * accepted, the sequence now {@code position} long with {@code next} last. Sends the verdict and chooses the
     * next draft length (in auto mode possibly 0, which ends the drafter's part).
     */
    void verified(int asked, int drafted, int accepted, int position, int next, boolean keepEpoch) {
        if (!keepEpoch) {
            epoch++;
        }
        int upcoming = length;
        if (auto) {
            policy.recordVerification(drafted, accepted);
            upcoming = policy.next(res.timings().load());
        }
        DrafterLink l = link;
        if (l == null) {
            return;
        }
        l.send(GenerationSession.verdict(position, epoch, accepted, next, upcoming > 0 ? upcoming : asked));
        if (upcoming == 0) {
            // Plain decoding is expected to be faster: a normal end, not a failure.
            l.complete();
            succeed();
            link = null;
        } else {
            length = upcoming;
        }
    }

    /** Gives up on the drafter for the rest of the session, remembering {@code what} it did and counting why. */
    void fail(FallbackCause cause, String what) {
        if (cancelled) {
            link = null; // the session is ending for its own reasons: not the drafter's fault
            return;
        }
        String describe = spec.drafter().describe();
        if (fallback == null) {
            fallback = describe + " " + what;
            res.metrics().fellBack(cause);
        }
        DrafterLink l = link;
        link = null;
        if (l != null) {
            l.cancel("verifier fell back to plain decoding");
        }
        synchronized (this) {
            if (permitted && !recorded && !abandoned) {
                recorded = true;
                breaker.onError(System.nanoTime() - openedNanos, TimeUnit.NANOSECONDS, new DrafterException(fallback));
            }
        }
    }

    /**
     * Auto mode: the drafter sent no usable block within the session's patience. The session goes on plainly
     * (waiting longer would cost more than it saves) and the wait is recorded, so that the policy of later
     * sessions prices this drafter's round trip; being slow under load is no circuit-breaker failure.
     */
    private void tooSlow(long waitedMs, int position) {
        policy.recordWait(length, waitedMs);
        if (fallback == null) {
            fallback = spec.drafter().describe() + " sent no block within " + waitedMs + " ms at position " + position
                    + " (auto: decoding plainly)";
            // A fallback (the session had a drafter and lost it), though no breaker failure: counted as a missed
            // deadline, the session's patience being its block deadline in auto mode.
            res.metrics().fellBack(FallbackCause.DEADLINE_MISSED);
        }
        DrafterLink l = link;
        link = null;
        if (l != null) {
            l.cancel("verifier stopped waiting for blocks");
        }
        synchronized (this) {
            releasePermission();
        }
    }

    /** The session finished normally: ends the stream and records a success. */
    void finish() {
        DrafterLink l = link;
        link = null;
        if (l != null) {
            l.complete();
            succeed();
        }
    }

    /** Cancels the stream from any thread (client cancellation, shutdown, failure). */
    void cancel(String why) {
        DrafterLink waiting;
        synchronized (this) {
            cancelled = true;
            waiting = opening;
        }
        if (waiting != null) {
            waiting.cancel(why);
        }
        DrafterLink l = link;
        if (l != null) {
            l.cancel(why);
        }
    }

    /** Returns an unused circuit-breaker permission (the session ended before the drafter was judged). */
    synchronized void release() {
        releasePermission();
    }

    /** Returns the permission unjudged, unless it was judged already; holds the lock. */
    private void releasePermission() {
        if (permitted && !recorded) {
            recorded = true;
            breaker.releasePermission();
        }
    }

    /** The drafter that served the session; null when none did. */
    String drafterId() {
        return drafterId;
    }

    /** What made the session fall back to plain decoding; null when nothing did. */
    String fallback() {
        return fallback;
    }

    private synchronized void succeed() {
        if (permitted && !recorded) {
            recorded = true;
            breaker.onSuccess(System.nanoTime() - openedNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static Sampling sampling(SamplingParams p) {
        Sampling.Builder s = Sampling.newBuilder().setTemperature((float) p.temperature()).setTopK(p.topK())
                .setSeed(p.seed());
        if (p.topP() < 1) {
            s.setTopP((float) p.topP());
        }
        if (p.minP() > 0) {
            s.setMinP((float) p.minP());
        }
        return s.build();
    }
}
