package dev.specula.verifier.session;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.sample.RejectionSampler;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.Verification;
import dev.specula.proto.v1.CommittedTokens;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.StepStatistics;
import dev.specula.proto.v1.Verdict;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One generation session: prefills the prompt, then loops on one thread, committing tokens by plain decoding
 * steps or by verifying the blocks its drafter streams, until EOS, max_tokens, a stop sequence or a full
 * context. Every forward pass goes through the shared batcher. A drafter failure never fails the session: it
 * goes on plainly and says so in the summary.
 *
 * <p>Determinism: the token at each sequence position is the target's own draw there ({@link
 * Sampler#sample(float[], dev.specula.engine.sample.SamplingParams, int)}, a pure function of the seed, the
 * position and the logits), whether a plain step or a verification commits it ({@link RejectionSampler} accepts a
 * draft only when it equals that draw). So a seeded request gives the same tokens whatever draft lengths the
 * policy picks, whichever drafter serves it, after a drafter failure and after a resume on another replica.
 *
 * <p>Invariant: the KV cache holds every committed token but the last, which the next pass feeds first.
 */
public final class GenerationSession implements Runnable {

    private static final Logger LOG = Logger.getLogger(GenerationSession.class.getName());
    /** Verification steps per child span of the session's span: a span per step would cost more than a step. */
    static final int STEPS_PER_SPAN = 16;

    private final SessionSpec spec;
    private final SessionResources res;
    private final StreamObserver<OpenSessionResponse> out;
    private final Sampler sampler = new Sampler();
    private final SessionStats stats;
    private final TextEmitter emitter;
    private final int context;
    private final int[] sequence; // [context + 1]: the committed sequence, prompt first
    private final SpeculationSetup drafter;
    private volatile String stopReason;
    private volatile InferenceSession kv; // read by the metrics' collection too
    private int length;
    private int generated;
    private FinishReason finish;
    private final Span span;
    private final Context traceContext;
    // The open group of verification steps (loop thread only).
    private Span stepSpan;
    private int spanSteps;
    private int spanDrafted;
    private int spanAccepted;

    /**
     * @param spec       the validated request
     * @param res        what the verifier's sessions share
     * @param out        where committed tokens and the summary go
     * @param startNanos when the request arrived
     * @param parent     the trace context the session's span is a child of (the OpenSession call's)
     */
    public GenerationSession(SessionSpec spec, SessionResources res, StreamObserver<OpenSessionResponse> out,
                             long startNanos, Context parent) {
        this.spec = spec;
        this.span = res.telemetry().tracer().spanBuilder("verifier.session").setParent(parent)
                .setAttribute("specula.session_id", spec.sessionId())
                .setAttribute("specula.prompt_tokens", spec.promptTokens().length).startSpan();
        this.traceContext = parent.with(span);
        this.res = res;
        this.out = out;
        this.stats = new SessionStats(startNanos);
        this.emitter = new TextEmitter(res.tokenizer(), spec.stop());
        this.context = res.context();
        this.sequence = new int[context + 1];
        this.drafter = new SpeculationSetup(spec, res);
    }

    /** The session's id. */
    public String id() {
        return spec.sessionId();
    }

    /**
     * Ends the session early from any thread: the client cancelled ({@code error} false), or the verifier
     * is shutting down ({@code error} true: the client gets UNAVAILABLE with {@code why}).
     */
    public void stop(String why, boolean error) {
        stopReason = error ? why : "";
        drafter.cancel(why);
    }

    @Override
    public void run() {
        res.timings().sessionStarted();
        try (InferenceSession session = res.model().newSession(context)) {
            kv = session;
            loadSequence();
            // The drafter's handshake and prefill run while the target prefills, not before it; its call carries
            // the session's trace context to the drafter.
            CompletableFuture<Void> opening = CompletableFuture.runAsync(
                    traceContext.wrap(() -> drafter.open(sequence, length)),
                    task -> Thread.ofVirtual().name("drafter-open-" + spec.sessionId()).start(task));
            prefill();
            drafter.awaitOpen(opening);
            loop();
            if (stopReason != null) {
                endStopped();
                return;
            }
            drafter.finish();
            out.onNext(OpenSessionResponse.newBuilder().setSummary(stats.summary(spec.promptTokens().length,
                    finish, res.verifierId(), res.modelName(), drafter.drafterId(), drafter.fallback())).build());
            out.onCompleted();
        } catch (RuntimeException e) {
            drafter.cancel("session failed");
            if (stopReason != null) {
                endStopped();
                return;
            }
            LOG.log(Level.WARNING, "session " + spec.sessionId() + " failed", e);
            try {
                out.onError(Status.INTERNAL.withDescription("session " + spec.sessionId() + ": " + e)
                        .asRuntimeException());
            } catch (RuntimeException ignored) {
                // the call is already gone
            }
        } finally {
            drafter.release();
            res.timings().sessionEnded();
            endStepSpan();
            span.setAttribute("specula.completion_tokens", generated)
                    .setAttribute("specula.finish_reason", finish == null ? "stopped" : finish.name());
            if (drafter.fallback() != null) {
                span.setAttribute("specula.drafter_fallback", drafter.fallback());
            }
            span.end();
        }
    }

    /** Tokens held in the KV cache now (read from other threads for metrics, so only approximately current). */
    public int cachedTokens() {
        InferenceSession k = kv;
        return k == null ? 0 : k.position();
    }

    /** Counts a step into the open group span, starting one when none is open and ending it when full. */
    private void traceStep(int drafted, int accepted) {
        if (stepSpan == null) {
            stepSpan = res.telemetry().tracer().spanBuilder("verifier.steps").setParent(traceContext)
                    .setAttribute("specula.first_position", length).startSpan();
        }
        spanSteps++;
        spanDrafted += drafted;
        spanAccepted += accepted;
        if (spanSteps == STEPS_PER_SPAN) {
            endStepSpan();
        }
    }

    private void endStepSpan() {
        if (stepSpan != null) {
            stepSpan.setAttribute("specula.steps", spanSteps).setAttribute("specula.drafted", spanDrafted)
                    .setAttribute("specula.accepted", spanAccepted).end();
            stepSpan = null;
            spanSteps = spanDrafted = spanAccepted = 0;
        }
    }

    private void endStopped() {
        drafter.cancel("session stopped");
        if (!stopReason.isEmpty()) {
            try {
                out.onError(Status.UNAVAILABLE.withDescription(stopReason).asRuntimeException());
            } catch (RuntimeException ignored) {
                // the call is already gone
            }
        }
    }

    /** The committed sequence so far: the prompt, and the tokens a resumed session already sent. */
    private void loadSequence() {
        int[] prompt = spec.promptTokens();
        int[] resumed = spec.committedTokens();
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        System.arraycopy(resumed, 0, sequence, prompt.length, resumed.length);
        length = prompt.length + resumed.length;
        generated = resumed.length;
    }

    private void prefill() {
        if (length > 1) {
            forward(Arrays.copyOf(sequence, length - 1), false);
        }
    }

    private void loop() {
        while (stopReason == null) {
            if (generated >= spec.maxTokens()) {
                finish = spec.contextLimited() && length == context ? FinishReason.FINISH_REASON_CONTEXT_FULL
                        : FinishReason.FINISH_REASON_MAX_TOKENS;
                return;
            }
            if (length >= context) {
                finish = FinishReason.FINISH_REASON_CONTEXT_FULL;
                return;
            }
            int k = drafter.nextLength();
            boolean ended = k > 0 ? speculativeStep(k) : plainStep();
            if (ended) {
                return;
            }
        }
    }

    /** One plain decoding step; returns whether the session ended. */
    private boolean plainStep() {
        int load = res.timings().load();
        long t0 = System.nanoTime();
        float[] logits = forward(new int[] {sequence[length - 1]}, false)[0];
        double forwardMs = (System.nanoTime() - t0) / 1e6;
        res.timings().record(load, 1, forwardMs);
        int next = sampler.sample(logits, spec.params(), length); // the token at position length
        stats.step(0, 0, 0);
        traceStep(0, 0);
        return commit(new int[] {next}, step(0, 0, 0, forwardMs, 0, 0));
    }

    /** One verification of a block of up to {@code k} drafts; returns whether the session ended. */
    private boolean speculativeStep(int k) {
        long waitStart = System.nanoTime();
        DraftBlock block = drafter.awaitBlock(length, waitStart);
        if (block == null) {
            return plainStep(); // the drafter is gone; this step goes plain
        }
        double waitMs = (System.nanoTime() - waitStart) / 1e6;
        // Only what may still be committed: the pass commits up to m + 1 tokens and feeds m + 1 positions.
        int m = Math.min(block.getTokensCount(), Math.min(spec.maxTokens() - generated - 1, context - length));
        try {
            BlockCheck.check(block, Math.max(m, 0), res.tokenizer().vocabSize(), spec.params().isGreedy());
        } catch (IllegalArgumentException e) {
            drafter.fail(FallbackCause.MALFORMED_BLOCK, "sent a malformed block at position " + length + " (" + e.getMessage() + ")");
            return plainStep();
        }
        if (m <= 0) {
            drafter.drop();
            return plainStep();
        }
        drafter.recordWait(m, waitMs);
        int[] drafts = new int[m];
        for (int i = 0; i < m; i++) {
            drafts[i] = block.getTokens(i);
        }
        int[] input = new int[m + 1];
        input[0] = sequence[length - 1];
        System.arraycopy(drafts, 0, input, 1, m);
        int load = res.timings().load();
        long t0 = System.nanoTime();
        float[][] logits = forward(input, true); // [m + 1, vocab]
        double forwardMs = (System.nanoTime() - t0) / 1e6;
        res.timings().record(load, m + 1, forwardMs);
        Verification v = RejectionSampler.verify(logits, drafts, spec.params(), length);
        int base = length;
        kv.truncate(base + v.accepted()); // the new last token is fed by the next pass
        boolean keepEpoch = v.accepted() == block.getTokensCount() && block.hasPredictedNextToken()
                && block.getPredictedNextToken() == v.nextToken();
        drafter.verified(k, m, v.accepted(), base + v.accepted() + 1, v.nextToken(), keepEpoch);
        stats.step(k, m, v.accepted());
        traceStep(m, v.accepted());
        return commit(v.committed(), step(k, m, v.accepted(), forwardMs, waitMs, block.getDraftMs()));
    }

    /**
     * Appends committed tokens (up to EOS/BOS, which is not emitted, or a stop sequence) and sends what they
     * release; returns whether the session ended.
     */
    private boolean commit(int[] tokens, StepStatistics step) {
        int eos = res.tokenizer().eosId();
        int bos = res.tokenizer().bosId();
        for (int token : tokens) {
            if (token == eos || token == bos) {
                finish = FinishReason.FINISH_REASON_EOS;
                break;
            }
            sequence[length++] = token;
            generated++;
            emitter.push(token);
            if (emitter.stopped()) {
                finish = FinishReason.FINISH_REASON_STOP_SEQUENCE;
                break;
            }
        }
        boolean last = finish != null || generated >= spec.maxTokens() || length >= context;
        if (last) {
            emitter.finish();
        }
        TextEmitter.Release r = emitter.drain();
        stats.sent(r.tokenIds().length);
        CommittedTokens.Builder msg = CommittedTokens.newBuilder().setText(r.text()).setStep(step);
        for (int id : r.tokenIds()) {
            msg.addTokenIds(id);
        }
        if (stopReason == null) {
            out.onNext(OpenSessionResponse.newBuilder().setCommitted(msg).build());
        }
        return finish != null;
    }

    private static StepStatistics step(int k, int drafted, int accepted, double forwardMs, double waitMs,
                                       double draftMs) {
        return StepStatistics.newBuilder().setDraftLength(k).setDrafted(drafted).setAccepted(accepted)
                .setForwardMs(forwardMs).setWaitMs(waitMs).setDraftMs(draftMs).build();
    }

    /** Runs {@code tokens} through the shared batcher and waits for the logits. */
    private float[][] forward(int[] tokens, boolean allLogits) {
        try {
            return res.batcher().submit(kv, tokens, allLogits).join();
        } catch (CompletionException e) {
            if (res.health().ready()) { // not while draining: then the batcher refuses passes on purpose
                res.health().backendFailed("forward pass of session " + spec.sessionId() + ": " + e.getCause());
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Builds a verdict; used by {@link SpeculationSetup}. */
    static Verdict verdict(int position, int epoch, int accepted, int next, int draftLength) {
        return Verdict.newBuilder().setPosition(position).setEpoch(epoch).setAccepted(accepted).setNextToken(next)
                .setDraftLength(draftLength).build();
    }
}
