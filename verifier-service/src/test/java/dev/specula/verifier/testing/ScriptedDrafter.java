package dev.specula.verifier.testing;

import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.proto.v1.DraftReady;
import dev.specula.proto.v1.DrafterServiceGrpc;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.ProposeRequest;
import dev.specula.proto.v1.ProposeResponse;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Verdict;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE of the drafter service: speaks the Propose protocol (ready, blocks, verdicts, epochs, draft
 * ahead) with tokens from a {@link Proposer}, and misbehaves on request: refuses the handshake, stalls, fails
 * or closes the stream after some blocks, or sends stale blocks before every real one. Each stream runs on its
 * own thread so the verifier's thread never runs drafting.
 */
public final class ScriptedDrafter extends DrafterServiceGrpc.DrafterServiceImplBase {

    /** How the double misbehaves. */
    public enum Fault {
        /** Behaves. */
        NONE,
        /** Fails the handshake with FAILED_PRECONDITION. */
        REFUSE,
        /** Answers ready and never sends a block. */
        STALL,
        /** Fails the stream with UNAVAILABLE after {@code faultAfter} blocks. */
        ERROR_AFTER,
        /** Ends the stream normally after {@code faultAfter} blocks. */
        CLOSE_AFTER,
        /** Answers ready only after {@code faultAfter} milliseconds (slow under load), then behaves. */
        SLOW_READY
    }

    private final Proposer proposer;
    private final Fault fault;
    private final int faultAfter;
    private final boolean sendStale;
    /** Streams opened, and how they ended from the verifier's side. */
    public final AtomicInteger opened = new AtomicInteger();
    public final AtomicInteger cancelled = new AtomicInteger();
    public final AtomicInteger completed = new AtomicInteger();
    public final AtomicInteger blocks = new AtomicInteger();
    public final AtomicInteger verdicts = new AtomicInteger();
    /** The last {@code open} message received. */
    public volatile OpenDraft lastOpen;

    /** A drafter that behaves. */
    public ScriptedDrafter(Proposer proposer) {
        this(proposer, Fault.NONE, 0, false);
    }

    /**
     * @param proposer   where draft tokens come from
     * @param fault      how it misbehaves
     * @param faultAfter blocks sent before {@link Fault#ERROR_AFTER} or {@link Fault#CLOSE_AFTER}; milliseconds
     *                   before ready for {@link Fault#SLOW_READY}
     * @param sendStale  whether to send a block with a wrong base and one with a wrong epoch before every block
     */
    public ScriptedDrafter(Proposer proposer, Fault fault, int faultAfter, boolean sendStale) {
        this.proposer = proposer;
        this.fault = fault;
        this.faultAfter = faultAfter;
        this.sendStale = sendStale;
    }

    @Override
    public StreamObserver<ProposeRequest> propose(StreamObserver<ProposeResponse> out) {
        return new Stream(out);
    }

    private record Sent(int base, int[] tokens, int predicted) {
    }

    private final class Stream implements StreamObserver<ProposeRequest> {
        private final StreamObserver<ProposeResponse> out;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final ArrayDeque<Sent> pending = new ArrayDeque<>();
        private List<Integer> sequence;
        private SamplingParams params;
        private SplittableRandom random;
        private int epoch;
        private int length;
        private boolean ahead;
        private int maxSequence;
        private boolean done;
        private int sent;

        Stream(StreamObserver<ProposeResponse> out) {
            this.out = out;
        }

        @Override
        public void onNext(ProposeRequest request) {
            thread.execute(() -> {
                if (done) {
                    return;
                }
                if (request.hasOpen()) {
                    open(request.getOpen());
                } else {
                    verdict(request.getVerdict());
                }
            });
        }

        @Override
        public void onError(Throwable t) {
            cancelled.incrementAndGet();
            thread.execute(() -> done = true);
            thread.shutdown();
        }

        @Override
        public void onCompleted() {
            completed.incrementAndGet();
            thread.execute(() -> {
                if (!done) {
                    done = true;
                    out.onCompleted();
                }
            });
            thread.shutdown();
        }

        private void open(OpenDraft open) {
            lastOpen = open;
            opened.incrementAndGet();
            if (fault == Fault.REFUSE) {
                done = true;
                out.onError(Status.FAILED_PRECONDITION.withDescription("vocabulary_fingerprint: "
                        + open.getVocabularyFingerprint() + " (expected: the test double's own)").asRuntimeException());
                return;
            }
            sequence = new ArrayList<>(open.getTokensList());
            Sampling s = open.getSampling();
            params = new SamplingParams(s.getTemperature(), s.getTopK(), s.hasTopP() ? s.getTopP() : 1, s.getMinP(),
                    s.getSeed());
            random = new SplittableRandom(s.getSeed() * 31 + 7);
            length = open.getDraftLength();
            ahead = !open.hasDraftAhead() || open.getDraftAhead();
            maxSequence = open.getMaxSequenceLength();
            if (fault == Fault.SLOW_READY) {
                try {
                    Thread.sleep(faultAfter);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (done) {
                    return;
                }
            }
            out.onNext(ProposeResponse.newBuilder().setReady(DraftReady.newBuilder().setDrafterId("scripted")
                    .setContextLength(maxSequence)).build());
            if (fault != Fault.STALL) {
                draftFrom(sequence);
            }
        }

        private void verdict(Verdict v) {
            verdicts.incrementAndGet();
            Sent verified = pending.pollFirst();
            if (verified == null) {
                throw new AssertionError("a verdict for no block");
            }
            List<Integer> committed = new ArrayList<>(sequence.subList(0, verified.base()));
            for (int i = 0; i < v.getAccepted(); i++) {
                committed.add(verified.tokens()[i]);
            }
            committed.add(v.getNextToken());
            if (committed.size() != v.getPosition()) {
                throw new AssertionError("verdict position " + v.getPosition() + ", expected " + committed.size());
            }
            sequence = committed;
            length = v.getDraftLength();
            if (v.getEpoch() == epoch && !pending.isEmpty()) {
                Sent next = pending.peekLast(); // the block drafted ahead stays valid: draft one more after it
                List<Integer> assumed = new ArrayList<>(sequence);
                for (int t : next.tokens()) {
                    assumed.add(t);
                }
                assumed.add(next.predicted());
                draftBlock(assumed);
            } else {
                epoch = v.getEpoch();
                pending.clear();
                draftFrom(sequence);
            }
        }

        /** Drafts a block from {@code from} and, when drafting ahead, the one after it. */
        private void draftFrom(List<Integer> from) {
            Sent first = draftBlock(from);
            if (first != null && ahead) {
                List<Integer> assumed = new ArrayList<>(from);
                for (int t : first.tokens()) {
                    assumed.add(t);
                }
                assumed.add(first.predicted());
                draftBlock(assumed);
            }
        }

        private Sent draftBlock(List<Integer> from) {
            int n = Math.min(length, maxSequence - from.size());
            if (n <= 0 || done) {
                return null;
            }
            if ((fault == Fault.ERROR_AFTER || fault == Fault.CLOSE_AFTER) && sent >= faultAfter) {
                done = true;
                if (fault == Fault.ERROR_AFTER) {
                    out.onError(Status.UNAVAILABLE.withDescription("scripted failure").asRuntimeException());
                } else {
                    out.onCompleted();
                }
                return null;
            }
            Proposer.Proposal p = proposer.propose(from, n, params, random);
            int[] tokens = java.util.Arrays.copyOf(p.tokens(), n);
            int predicted = p.tokens()[n];
            if (sendStale) {
                send(block(from.size() + 1, epoch, tokens, p.q(), predicted));
                send(block(from.size(), epoch + 1, tokens, p.q(), predicted));
            }
            send(block(from.size(), epoch, tokens, p.q(), predicted));
            sent++;
            Sent s = new Sent(from.size(), tokens, predicted);
            pending.addLast(s);
            return s;
        }

        private DraftBlock block(int base, int epoch, int[] tokens, SparseDistribution[] q, int predicted) {
            DraftBlock.Builder b = DraftBlock.newBuilder().setBasePosition(base).setEpoch(epoch);
            for (int t : tokens) {
                b.addTokens(t);
            }
            if (q != null) {
                for (SparseDistribution d : q) {
                    var w = dev.specula.proto.v1.SparseDistribution.newBuilder();
                    for (int i = 0; i < d.size(); i++) {
                        w.addTokenIds(d.tokenAt(i)).addProbs(d.probAt(i));
                    }
                    b.addQ(w);
                }
            }
            if (ahead) {
                b.setPredictedNextToken(predicted);
            }
            return b.build();
        }

        private void send(DraftBlock block) {
            blocks.incrementAndGet();
            out.onNext(ProposeResponse.newBuilder().setBlock(block).build());
        }
    }
}
