package dev.specula.drafter;

import dev.specula.proto.v1.DraftBlock;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays the verifier's side of a Propose stream with a fixed policy instead of a target model: it verifies the
 * block that extends its committed sequence in the current epoch, skips blocks fenced off by an earlier
 * rejection, and answers each verified block with the verdict the policy decides.
 */
final class ScriptedVerifier {

    /** What the verifier decides for one block: the accepted prefix and the token committed after it. */
    record Decision(int accepted, int nextToken) {
    }

    /** Decides the verdict of the {@code step}-th verified block. */
    @FunctionalInterface
    interface Policy {
        Decision decide(int step, DraftBlock block);
    }

    /** Accepts every block in full and commits its predicted token: the drafter's own greedy path. */
    static Policy acceptAll() {
        return (step, block) -> new Decision(block.getTokensCount(), block.getPredictedNextToken());
    }

    /**
     * Even steps accept in full with the predicted token (keeping the epoch); odd steps accept half the block
     * and commit a token other than the drafter's next one (a rejection).
     */
    static Policy alternating(int vocabSize) {
        return (step, block) -> {
            int size = block.getTokensCount();
            if (step % 2 == 0 && block.hasPredictedNextToken()) {
                return new Decision(size, block.getPredictedNextToken());
            }
            int accepted = size / 2;
            return new Decision(accepted, (block.getTokens(accepted) + 1) % vocabSize);
        };
    }

    private final ProposeStream stream;
    private final List<DraftBlock> verified = new ArrayList<>();
    private final List<Integer> committed = new ArrayList<>();
    private int epoch;

    /** Starts from an opened stream whose ready message has been read. */
    ScriptedVerifier(ProposeStream stream, int[] prompt) {
        this.stream = stream;
        for (int t : prompt) {
            committed.add(t);
        }
    }

    /** Verifies {@code steps} blocks with {@code policy}; the verdicts keep {@code draftLength}. */
    ScriptedVerifier run(int steps, int draftLength, Policy policy) throws InterruptedException {
        for (int step = 0; step < steps; step++) {
            DraftBlock block = stream.block();
            while (block.getEpoch() != epoch || block.getBasePosition() != committed.size()) {
                assertThat(block.getEpoch()).as("a fenced block is from an older epoch").isLessThan(epoch);
                block = stream.block();
            }
            verified.add(block);
            Decision d = policy.decide(step, block);
            boolean kept = d.accepted() == block.getTokensCount() && block.hasPredictedNextToken()
                    && d.nextToken() == block.getPredictedNextToken();
            for (int i = 0; i < d.accepted(); i++) {
                committed.add(block.getTokens(i));
            }
            committed.add(d.nextToken());
            if (!kept) {
                epoch++;
            }
            stream.verdict(committed.size(), epoch, d.accepted(), d.nextToken(), draftLength);
        }
        return this;
    }

    /** The blocks verified, in order. */
    List<DraftBlock> verified() {
        return verified;
    }

    /** The committed sequence, prompt first. */
    int[] committed() {
        return committed.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The verified blocks without their timings, for comparing runs. */
    List<DraftBlock> verifiedWithoutTimings() {
        return verified.stream().map(b -> b.toBuilder().clearDraftMs().build()).toList();
    }
}
