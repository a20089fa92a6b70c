package dev.specula.verifier.session;

import dev.specula.engine.sample.SparseDistribution;
import dev.specula.proto.v1.DraftBlock;
import dev.specula.rpc.ProtocolLimits;

/** Checks a drafted block before it is verified; a malformed block ends the drafter's part in a session. */
final class BlockCheck {

    private BlockCheck() {
    }

    /**
     * Checks the block's tokens and, when sampling, the draft distributions of its first {@code used} tokens.
     * Verification itself needs only the tokens (exact match against the target's draws); a draft token with
     * probability 0 under its own {@code q} still shows a drafter that does not sample as it says.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    static void check(DraftBlock block, int used, int vocabSize, boolean greedy) {
        int k = block.getTokensCount();
        if (k < 1 || k > ProtocolLimits.MAX_DRAFT_LENGTH) {
            throw new IllegalArgumentException("block.tokens: " + k + " tokens (expected: 1.."
                    + ProtocolLimits.MAX_DRAFT_LENGTH + ")");
        }
        for (int i = 0; i < k; i++) {
            int t = block.getTokens(i);
            if (t < 0 || t >= vocabSize) {
                throw new IllegalArgumentException("block.tokens[" + i + "]: " + t + " (expected: in [0, "
                        + vocabSize + "))");
            }
        }
        if (greedy) {
            return;
        }
        if (block.getQCount() != k) {
            throw new IllegalArgumentException("block.q: " + block.getQCount() + " distributions (expected: "
                    + k + ", one per token, when sampling)");
        }
        for (int i = 0; i < used; i++) {
            SparseDistribution q;
            var wire = block.getQ(i);
            int[] ids = wire.getTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
            float[] probs = new float[wire.getProbsCount()];
            for (int j = 0; j < probs.length; j++) {
                probs[j] = wire.getProbs(j);
            }
            try {
                q = new SparseDistribution(ids, probs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("block.q[" + i + "]: " + e.getMessage(), e);
            }
            if (q.tokenAt(q.size() - 1) >= vocabSize) {
                throw new IllegalArgumentException("block.q[" + i + "]: token " + q.tokenAt(q.size() - 1)
                        + " (expected: in [0, " + vocabSize + "))");
            }
            if (!(q.prob(block.getTokens(i)) > 0)) {
                throw new IllegalArgumentException("block.q[" + i + "]: probability 0 for its token "
                        + block.getTokens(i) + " (expected: > 0, the token was sampled from it)");
            }
        }
    }
}
