package dev.specula.router;

import dev.specula.proto.v1.CommittedTokens;
import dev.specula.proto.v1.DescribeModelRequest;
import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.StepStatistics;
import dev.specula.proto.v1.VerifierServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE of a verifier service: it runs no model. Each session replays a script: some committed-token
 * messages, then a summary, or a failure status (as a verifier that dies mid-stream), or nothing (a session
 * that stays open until cancelled). It records every request and every cancellation.
 */
public final class ScriptedVerifier extends VerifierServiceGrpc.VerifierServiceImplBase {

    /**
     * What a session does.
     *
     * @param committed the messages to stream first
     * @param summary   the summary to end with, or null
     * @param failure   the status to fail with after {@code committed}, or null; with both null the session
     *                  stays open
     */
    public record Script(List<CommittedTokens> committed, GenerationSummary summary, Status failure) {

        /** Streams {@code steps} (token ids per step) with their text, then a summary counting them. */
        public static Script completes(int[]... steps) {
            List<CommittedTokens> messages = new ArrayList<>();
            int tokens = 0;
            for (int[] step : steps) {
                messages.add(ScriptedVerifier.committed(step, 3, step.length - 1));
                tokens += step.length;
            }
            GenerationSummary summary = GenerationSummary.newBuilder()
                    .setPromptTokens(5).setCompletionTokens(tokens).setVerificationSteps(steps.length)
                    .setDraftedTokens(3 * steps.length).setAcceptedTokens(tokens - steps.length)
                    .setAcceptanceRate((tokens - steps.length) / (3.0 * steps.length))
                    .setMeanAcceptedLength((double) tokens / steps.length)
                    .addAllDraftLengths(java.util.Collections.nCopies(steps.length, 3))
                    .setDrafterId("scripted-drafter").setVerifierId("scripted-verifier")
                    .build();
            return new Script(messages, summary, null);
        }

        /**
         * Streams {@code steps} verification steps of {@code draftLength} drafts with {@code accepted} of them
         * accepted, each timed as the verifier reports it ({@code forwardMs} of the target, {@code draftMs} of
         * the drafter), then a summary counting them. Token ids count up from 1.
         */
        public static Script speculates(int steps, int draftLength, int accepted, double forwardMs, double draftMs) {
            List<CommittedTokens> messages = new ArrayList<>();
            int token = 1;
            for (int s = 0; s < steps; s++) {
                int[] committed = new int[accepted + 1];
                for (int i = 0; i < committed.length; i++) {
                    committed[i] = token++;
                }
                CommittedTokens message = ScriptedVerifier.committed(committed, draftLength, accepted);
                messages.add(message.toBuilder().setStep(message.getStep().toBuilder()
                        .setForwardMs(forwardMs).setDraftMs(draftMs)).build());
            }
            int tokens = token - 1;
            GenerationSummary summary = GenerationSummary.newBuilder()
                    .setPromptTokens(5).setCompletionTokens(tokens).setVerificationSteps(steps)
                    .setDraftedTokens(draftLength * steps).setAcceptedTokens(accepted * steps)
                    .setAcceptanceRate((double) accepted / draftLength)
                    .setMeanAcceptedLength(accepted + 1)
                    .addAllDraftLengths(java.util.Collections.nCopies(steps, draftLength))
                    .setVerifierId("scripted-verifier")
                    .build();
            return new Script(messages, summary, null);
        }

        /** Streams {@code steps}, then fails with {@code status}. */
        public static Script failsAfter(Status status, int[]... steps) {
            List<CommittedTokens> messages = new ArrayList<>();
            for (int[] step : steps) {
                messages.add(ScriptedVerifier.committed(step, 3, step.length - 1));
            }
            return new Script(messages, null, status);
        }

        /** Streams {@code steps} and stays open. */
        public static Script hangsAfter(int[]... steps) {
            List<CommittedTokens> messages = new ArrayList<>();
            for (int[] step : steps) {
                messages.add(ScriptedVerifier.committed(step, 3, step.length - 1));
            }
            return new Script(messages, null, null);
        }
    }

    /** The text of token id t in these tests: "<t>". */
    public static String text(int token) {
        return "<" + token + ">";
    }

    static CommittedTokens committed(int[] tokens, int draftLength, int accepted) {
        CommittedTokens.Builder builder = CommittedTokens.newBuilder();
        StringBuilder text = new StringBuilder();
        for (int token : tokens) {
            builder.addTokenIds(token);
            text.append(text(token));
        }
        return builder.setText(text.toString()).setStep(StepStatistics.newBuilder()
                .setDraftLength(draftLength).setDrafted(draftLength).setAccepted(accepted)).build();
    }

    public final List<OpenSessionRequest> requests = new CopyOnWriteArrayList<>();
    public final AtomicInteger cancellations = new AtomicInteger();
    /** Milliseconds to stall before streaming, per drafter id: a drafter that makes sessions slow. */
    final java.util.Map<String, Long> stallByDrafter = new java.util.concurrent.ConcurrentHashMap<>();
    /** The script of sessions that ask for a drafter id, in place of the common one. */
    final java.util.Map<String, Script> scriptByDrafter = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Script script;

    public ScriptedVerifier(Script script) {
        this.script = script;
    }

    public void script(Script script) {
        this.script = script;
    }

    @Override
    public void describeModel(DescribeModelRequest request, StreamObserver<DescribeModelResponse> responseObserver) {
        // A model file without a chat template, as the bundled family's.
        responseObserver.onNext(DescribeModelResponse.newBuilder().setModelName("scripted").setContextLength(256)
                .setBosToken("<s>").setEosToken("</s>").build());
        responseObserver.onCompleted();
    }

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> responseObserver) {
        requests.add(request);
        ServerCallStreamObserver<OpenSessionResponse> observer = (ServerCallStreamObserver<OpenSessionResponse>) responseObserver;
        observer.setOnCancelHandler(cancellations::incrementAndGet);
        Script current = scriptByDrafter.getOrDefault(request.getDrafter().getDrafterId(), script);
        long stall = stallByDrafter.getOrDefault(request.getDrafter().getDrafterId(), 0L);
        if (stall > 0) {
            try {
                Thread.sleep(stall);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (CommittedTokens committed : current.committed()) {
            observer.onNext(OpenSessionResponse.newBuilder().setCommitted(committed).build());
        }
        if (current.failure() != null) {
            observer.onError(current.failure().asRuntimeException());
        } else if (current.summary() != null) {
            observer.onNext(OpenSessionResponse.newBuilder().setSummary(current.summary()).build());
            observer.onCompleted();
        }
    }
}
