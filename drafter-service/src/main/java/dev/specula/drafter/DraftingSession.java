package dev.specula.drafter;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.DraftReady;
import dev.specula.proto.v1.ProposeResponse;
import dev.specula.proto.v1.Verdict;
import dev.specula.rpc.RequestRules;
import io.grpc.Status;
import io.grpc.StatusException;
import io.opentelemetry.api.trace.Span;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Propose stream: a KV cache over the sequence the drafter assumes, and a loop on its own virtual thread
 * that prefills it, drafts blocks, sends them and applies verdicts.
 *
 * <p>The loop keeps the <em>assumed</em> sequence: the committed tokens, then, for every block out for
 * verification, its tokens and its predicted next token. The next block is drafted at the end of it. With
 * draft-ahead at most two blocks are out: the one under verification and one drafted ahead of it. A verdict
 * that keeps the epoch (the block accepted in full, followed by the predicted token) changes nothing the loop
 * assumed; one that rejects cuts the assumed sequence back to what the verifier committed, drops the blocks
 * drafted ahead (sent or not) and rolls the KV cache back.
 *
 * <p>Threads: verdicts and the end of the stream arrive on gRPC threads and reach the loop through a queue;
 * only the loop touches the KV cache, and it closes it on the way out, after its last forward pass finished.
 */
final class DraftingSession {

    /** Why a session was asked to stop. */
    enum End {
        /** The verifier ended its side of the stream: the drafter ends its side too. */
        COMPLETED,
        /** The call was cancelled or broke: nothing more can be sent. */
        CANCELLED,
        /** The service is shutting down: the stream fails with UNAVAILABLE. */
        SHUTDOWN
    }

    private static final Logger LOG = Logger.getLogger(DraftingSession.class.getName());
    private static final Object STOP = new Object();

    private final SessionRequest request;
    private final ResponseSender sender;
    private final double minConfidence;
    private final DrafterMetrics metrics;
    private final Span span;
    private final Runnable onEnd;
    private int blocksSent;
    private final Consumer<String> backendFailed;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final AtomicReference<End> end = new AtomicReference<>();
    private volatile Thread thread;

    // Loop-thread state.
    private InferenceSession kv;
    private BlockDrafter drafter;
    private final TokenSequence assumed = new TokenSequence();
    private final ArrayDeque<Draft> outstanding = new ArrayDeque<>(); // sent, awaiting verdicts, oldest first
    private int epoch;
    private int draftLength;
    private boolean canDraft = true;

    /**
     * @param request       the validated open
     * @param sender        the stream's response side
     * @param minConfidence the service's early-stop threshold
     * @param metrics       the service's counters
     * @param span          the session's trace span, ended with the session
     * @param backendFailed told when a forward pass of the model fails (the server's health)
     * @param onEnd         run once on the loop thread after the KV cache is freed
     */
    DraftingSession(SessionRequest request, ResponseSender sender, double minConfidence, DrafterMetrics metrics,
                    Span span, Consumer<String> backendFailed, Runnable onEnd) {
        this.request = request;
        this.backendFailed = backendFailed;
        this.sender = sender;
        this.minConfidence = minConfidence;
        this.metrics = metrics;
        this.span = span;
        this.onEnd = onEnd;
        this.draftLength = request.draftLength();
    }

    /** Starts the loop on a virtual thread. */
    void start() {
        thread = Thread.ofVirtual().name("drafter-session-" + request.sessionId()).start(this::run);
    }

    /** Hands a verdict to the loop (called on a gRPC thread). */
    void offer(Verdict verdict) {
        if (end.get() == null) {
            inbox.add(verdict);
        }
    }

    /** Asks the loop to stop; the first reason given wins. It frees the KV cache once its pass in flight is done. */
    void stop(End why) {
        end.compareAndSet(null, why);
        inbox.add(STOP);
    }

    /** Waits up to {@code millis} for the loop to finish; true when it has. */
    boolean await(long millis) throws InterruptedException {
        Thread t = thread;
        return t == null || t.join(Duration.ofMillis(millis));
    }

    private void run() {
        DrafterModel model = request.model();
        try {
            kv = model.transformer().newSession(request.maxSequenceLength());
            drafter = new BlockDrafter(kv, model.batcher(), request.sampling(), minConfidence);
            int[] tokens = request.tokens();
            if (tokens.length > 1) {
                drafter.feed(Arrays.copyOf(tokens, tokens.length - 1)); // the last token is fed with the first block
            }
            assumed.addAll(tokens);
            if (end.get() == null && sender.send(ProposeResponse.newBuilder().setReady(DraftReady.newBuilder()
                    .setDrafterId(model.id()).setContextLength(model.contextLength())).build())) {
                LOG.fine(() -> "session " + request.sessionId() + ": ready on " + model.id() + " after prefilling "
                        + (tokens.length - 1) + " tokens");
                loop();
            }
        } catch (ProtocolViolation e) {
            LOG.fine(() -> "session " + request.sessionId() + ": " + e.getMessage());
            sender.fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (BlockDrafter.DraftFailure e) {
            LOG.log(Level.WARNING, "session " + request.sessionId() + " on " + model.id() + ": " + e.getMessage(), e);
            if (end.get() == null) { // a pass failed while the session ran, not because it was stopped
                backendFailed.accept("drafter " + model.id() + ": " + e.getMessage());
            }
            sender.fail(Status.INTERNAL.withDescription("drafter " + model.id() + ": " + e.getMessage()));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "session " + request.sessionId() + " on " + model.id() + " failed", e);
            sender.fail(Status.INTERNAL.withDescription("drafter " + model.id() + ": " + e));
        } finally {
            end.compareAndSet(null, End.CANCELLED); // the stream is over either way: later verdicts are dropped
            if (kv != null) {
                kv.close(); // no pass is in flight: every feed waited for its result
            }
            End why = end.get();
            if (why == End.COMPLETED) {
                sender.complete();
            } else if (why == End.SHUTDOWN) {
                sender.fail(Status.UNAVAILABLE.withDescription("drafter shutting down"));
            } else if (why == End.CANCELLED) {
                sender.cancelled();
            }
            span.setAttribute("specula.blocks_sent", blocksSent).setAttribute("specula.end", why.name());
            span.end();
            onEnd.run();
        }
    }

    private void loop() throws ProtocolViolation {
        int limit = request.maxSequenceLength();
        int maxOutstanding = request.draftAhead() ? 2 : 1;
        while (drainInbox()) {
            if (canDraft && outstanding.size() < maxOutstanding) {
                int base = assumed.size();
                if (base >= limit) {
                    canDraft = false; // the sequence is full: wait for verdicts or the end
                    continue;
                }
                int epochDrafted = epoch;
                Draft draft = drafter.draft(assumed.slice(kv.position(), base), base, epoch, draftLength,
                        request.draftAhead(), limit, this::shouldAbort);
                if (!drainInbox()) {
                    return;
                }
                if (draft == null || epoch != epochDrafted) {
                    metrics.discarded(1); // a verdict rejected the prefix it was drafted on
                    continue;
                }
                blocksSent++;
                metrics.sent(draft); // before sending, so that whoever receives the block sees it counted
                if (!sender.send(ProposeResponse.newBuilder().setBlock(toProto(draft)).build())) {
                    return;
                }
                outstanding.addLast(draft);
                assumed.addAll(draft.tokens());
                if (draft.hasPrediction()) {
                    assumed.add(draft.predicted());
                } else {
                    canDraft = false;
                }
            } else {
                Object message;
                try {
                    message = inbox.poll(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    return;
                }
                if (message == STOP) {
                    return;
                }
                if (message instanceof Verdict verdict) {
                    apply(verdict);
                }
            }
        }
    }

    /** Applies every queued verdict; false when the session should stop. */
    private boolean drainInbox() throws ProtocolViolation {
        Object message;
        while ((message = inbox.poll()) != null) {
            if (message == STOP) {
                return false;
            }
            apply((Verdict) message);
        }
        return end.get() == null;
    }

    /** Whether to abandon the block being drafted: the session is ending, or a verdict rejects its prefix. */
    private boolean shouldAbort() {
        if (end.get() != null) {
            return true;
        }
        Draft verified = outstanding.peekFirst();
        return verified != null && inbox.peek() instanceof Verdict v && v.getEpoch() != verified.epoch();
    }

    private void apply(Verdict v) throws ProtocolViolation {
        Draft block = outstanding.peekFirst();
        if (block == null) {
            throw new ProtocolViolation("verdict: no block awaits one (expected: one verdict per block sent)");
        }
        int accepted = v.getAccepted();
        if (accepted < 0 || accepted > block.size()) {
            throw new ProtocolViolation("verdict.accepted: " + accepted + " (expected: in [0, " + block.size()
                    + "], the size of the block at base_position " + block.base() + ")");
        }
        if (v.getPosition() != block.base() + accepted + 1) {
            throw new ProtocolViolation("verdict.position: " + v.getPosition() + " (expected: " + (block.base() + accepted + 1)
                    + " = base_position " + block.base() + " + accepted " + accepted + " + 1)");
        }
        if (v.getNextToken() < 0 || v.getNextToken() >= request.model().vocabSize()) {
            throw new ProtocolViolation("verdict.next_token: " + v.getNextToken() + " (expected: in [0, "
                    + request.model().vocabSize() + "))");
        }
        if (v.hasDraftLength()) {
            try {
                RequestRules.draftLength("verdict.draft_length", v.getDraftLength());
            } catch (StatusException e) {
                throw new ProtocolViolation(e.getStatus().getDescription());
            }
        }
        boolean kept = v.getEpoch() == block.epoch();
        if (kept && (accepted != block.size() || !block.hasPrediction() || v.getNextToken() != block.predicted())) {
            throw new ProtocolViolation("verdict.epoch: " + v.getEpoch() + " kept, but the block was not accepted as "
                    + "predicted (accepted " + accepted + " of " + block.size() + ", next_token " + v.getNextToken()
                    + ", predicted_next_token " + (block.hasPrediction() ? block.predicted() : "absent")
                    + ") (expected: " + (block.epoch() + 1) + ")");
        }
        if (v.getEpoch() < block.epoch()) {
            throw new ProtocolViolation("verdict.epoch: " + v.getEpoch() + " (expected: " + block.epoch() + " or "
                    + (block.epoch() + 1) + ")");
        }
        if (v.hasDraftLength()) {
            draftLength = v.getDraftLength();
        }
        outstanding.removeFirst();
        if (kept) {
            return; // everything drafted ahead was drafted on exactly this prefix
        }
        metrics.discarded(outstanding.size());
        outstanding.clear();
        assumed.truncate(block.base());
        assumed.addAll(Arrays.copyOf(block.tokens(), accepted));
        assumed.add(v.getNextToken());
        kv.truncate(Math.min(kv.position(), assumed.size() - 1));
        epoch = v.getEpoch();
        canDraft = true;
    }

    private static DraftBlock toProto(Draft draft) {
        DraftBlock.Builder block = DraftBlock.newBuilder().setBasePosition(draft.base()).setEpoch(draft.epoch())
                .setDraftMs(draft.draftMs());
        for (int token : draft.tokens()) {
            block.addTokens(token);
        }
        for (SparseDistribution q : draft.q()) {
            dev.specula.proto.v1.SparseDistribution.Builder wire = block.addQBuilder();
            for (int i = 0; i < q.size(); i++) {
                wire.addTokenIds(q.tokenAt(i)).addProbs(q.probAt(i));
            }
        }
        if (draft.hasPrediction()) {
            block.setPredictedNextToken(draft.predicted());
        }
        return block.build();
    }

    /** A verifier message that contradicts the protocol: the stream fails with INVALID_ARGUMENT. */
    static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message);
        }
    }
}
