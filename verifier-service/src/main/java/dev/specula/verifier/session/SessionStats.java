package dev.specula.verifier.session;

import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.GenerationSummary;

import java.util.ArrayList;
import java.util.List;

/** The running statistics of one session, turned into its {@link GenerationSummary} at the end. */
final class SessionStats {

    private final long startNanos;
    private final List<Integer> draftLengths = new ArrayList<>();
    private int steps;
    private int drafted;
    private int accepted;
    private int committedBySteps;
    private int sentTokens;
    private double firstTokenMs = -1;

    /** @param startNanos when the request arrived ({@link System#nanoTime()}) */
    SessionStats(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Records one forward pass after prefill: {@code draftLength} 0 for a plain step. */
    void step(int draftLength, int drafted, int accepted) {
        steps++;
        draftLengths.add(draftLength);
        this.drafted += drafted;
        this.accepted += accepted;
        committedBySteps += accepted + 1;
        if (firstTokenMs < 0) {
            firstTokenMs = (System.nanoTime() - startNanos) / 1e6;
        }
    }

    /** Records tokens sent to the client. */
    void sent(int tokens) {
        sentTokens += tokens;
    }

    /** The summary, with what the verifier knows. */
    GenerationSummary summary(int promptTokens, FinishReason reason, String verifierId, String model,
                              String drafterId, String fallback) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return GenerationSummary.newBuilder()
                .setPromptTokens(promptTokens)
                .setCompletionTokens(sentTokens)
                .setVerificationSteps(steps)
                .setDraftedTokens(drafted)
                .setAcceptedTokens(accepted)
                .setAcceptanceRate(drafted == 0 ? 0 : (double) accepted / drafted)
                .setMeanAcceptedLength(steps == 0 ? 0 : (double) committedBySteps / steps)
                .addAllDraftLengths(draftLengths)
                .setFinishReason(reason)
                .setDrafterFallback(fallback == null ? "" : fallback)
                .setDrafterId(drafterId == null ? "" : drafterId)
                .setVerifierId(verifierId)
                .setModel(model)
                .setTimeToFirstTokenMs(Math.max(firstTokenMs, 0))
                .setTokensPerSecond(seconds > 0 ? sentTokens / seconds : 0)
                .build();
    }
}
