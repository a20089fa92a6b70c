package dev.specula.engine.sample;

import java.util.Arrays;

/**
 * Verifies a drafted block so that the committed tokens are exactly the target's own draws: lossless (they
 * have the target's distribution) and deterministic for a seed whatever the draft length and whichever
 * drafter proposed the block.
 *
 * <p>The target's token at each block position {@code t} is {@link Sampler#sample(float[], SamplingParams, int)
 * its draw at t}: the argmax when greedy, else {@link SeededDraw#token the seeded Gumbel-max draw} from
 * {@code p_t}, the same draw plain decoding makes at {@code t}. A draft token is accepted iff it equals that
 * token; at the first mismatch the target's token is committed as the <em>recovered</em> token, and after a
 * fully accepted block the target's token at {@code base + k} is the <em>bonus</em> token. The drafter draws
 * its tokens from {@code q_t} with the same seeded noise, so a draft agrees with the target's draw with
 * probability at least {@code (1 - TV) / (1 + TV)} (see {@link SeededDraw}); vLLM's {@code min(1, p/q)} rule
 * accepts with {@code 1 - TV} but recovers from {@code p - q}, which makes the output depend on the drafts.
 */
public final class RejectionSampler {

    private static final Sampler SAMPLER = new Sampler(); // stateless

    private RejectionSampler() {
    }

    /**
     * Verifies a block from the target's logits: each row is drawn with {@link Sampler#sample(float[],
     * SamplingParams, int)} at its position, then judged by {@link #verify(int[], int[])}.
     *
     * @param targetLogits the target's logits at the {@code k + 1} block positions // [k + 1, vocabSize]
     * @param draftTokens  the {@code k} draft tokens
     * @param params       the request's sampling parameters
     * @param basePosition the sequence position of the first draft token (the committed sequence's length)
     */
    public static Verification verify(float[][] targetLogits, int[] draftTokens, SamplingParams params,
                                      int basePosition) {
        int[] targetTokens = new int[targetLogits.length];
        for (int i = 0; i < targetLogits.length; i++) {
            targetTokens[i] = SAMPLER.sample(targetLogits[i], params, basePosition + i);
        }
        return verify(targetTokens, draftTokens);
    }

    /**
     * As {@link #verify(float[][], int[], SamplingParams, int)} from the processed target distributions
     * {@code p_0..p_k} of a sampled request.
     *
     * @param target       {@code k + 1} target distributions
     * @param draftTokens  the {@code k} draft tokens
     * @param seed         the request's seed
     * @param basePosition the sequence position of the first draft token
     */
    public static Verification verify(SparseDistribution[] target, int[] draftTokens, long seed, int basePosition) {
        int[] targetTokens = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            targetTokens[i] = SeededDraw.token(target[i], seed, basePosition + i);
        }
        return verify(targetTokens, draftTokens);
    }

    /**
     * Exact-match verification: accept draft tokens while they equal the target's tokens at their positions;
     * then commit the target's token at the first mismatch (recovered) or after the block (bonus).
     *
     * @param targetTokens the target's token at each of the {@code k + 1} block positions
     * @param draftTokens  the {@code k} draft tokens
     */
    public static Verification verify(int[] targetTokens, int[] draftTokens) {
        int k = draftTokens.length;
        if (targetTokens.length != k + 1) {
            throw new IllegalArgumentException("targetTokens: " + targetTokens.length + " positions (expected: "
                    + "draftTokens.length + 1 = " + (k + 1) + ")");
        }
        int accepted = 0;
        while (accepted < k && draftTokens[accepted] == targetTokens[accepted]) {
            accepted++;
        }
        int[] committed = Arrays.copyOf(draftTokens, accepted + 1);
        committed[accepted] = targetTokens[accepted];
        return new Verification(accepted, committed, accepted == k);
    }
}
