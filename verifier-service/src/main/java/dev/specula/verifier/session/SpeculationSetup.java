package dev.specula.verifier.session;

import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import dev.specula.verifier.draftlength.DraftLengthPolicy;
import dev.specula.verifier.drafter.DrafterException;
import dev.specula.verifier.drafter.DrafterLink;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.concurrent.TimeUnit;

/**
 * A session's drafter side: opens the link (through the target's circuit breaker), hands out valid blocks,
 * tracks the epoch and the draft length, sends verdicts, and falls back to plain decoding for the rest of the
 * session on any drafter failure, remembering what happened for the summary.
 */
final class SpeculationSetup {

    private final SessionSpec spec;
    private final SessionResources res;
    private final DraftLengthPolicy policy;
    private volatile DrafterLink link;
    private CircuitBreaker breaker;
    private boolean permitted;
    private boolean recorded;
    private long openedNanos;
    private String fallback;
    private String drafterId;
    private int epoch;
    private int length;
    private volatile boolean cancelled;

    SpeculationSetup(SessionSpec spec, SessionResources res) {
        this.spec = spec;
        this.res = res;
        this.length = spec.speculation().draftLength();
        this.policy = new DraftLengthPolicy(length, spec.speculation().maxDraftLength(), res.timings());
    }

    /** Opens the drafter link when the session speculates; on failure the session stays plain. */
    void open(int[] sequence, int committed) {
        if (!spec.speculates() || cancelled) {
            return;
        }
        DrafterTarget target = spec.drafter();
        breaker = res.drafters().breaker(target.target());
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
        try {
            link = DrafterLink.open(res.telemetry().instrument(res.drafters().channel(target.target())), open.build(),
                    res.drafterOpenTimeoutMs());
            drafterId = link.ready().getDrafterId().isEmpty() ? target.drafterId() : link.ready().getDrafterId();
            if (cancelled) {
                link.cancel("session stopped");
            }
        } catch (DrafterException e) {
            fail(FallbackCause.OPEN_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            fail(FallbackCause.UNREACHABLE, "could not be reached (" + e.getMessage() + ")");
        }
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
        long deadline = waitStart + TimeUnit.MILLISECONDS.toNanos(res.blockDeadlineMs());
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
                case null -> fail(FallbackCause.DEADLINE_MISSED, "missed the block deadline of " + res.blockDeadlineMs()
                        + " ms at position " + position);
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
        if (spec.speculation().mode() == SpeculationPlan.Mode.AUTO) {
            policy.recordVerification(drafted, accepted);
            upcoming = policy.next();
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
        if (permitted && !recorded) {
            recorded = true;
            breaker.onError(System.nanoTime() - openedNanos, TimeUnit.NANOSECONDS, new DrafterException(fallback));
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
        cancelled = true;
        DrafterLink l = link;
        if (l != null) {
            l.cancel(why);
        }
    }

    /** Returns an unused circuit-breaker permission (the session ended before the drafter was judged). */
    void release() {
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

    private void succeed() {
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
