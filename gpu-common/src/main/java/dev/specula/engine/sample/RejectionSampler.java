package dev.specula.engine.sample;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The lossless acceptance rule of speculative sampling (Leviathan et al. 2023; Chen et al. 2023), as in
 * vLLM's rejection sampler: whatever the draft distribution {@code q}, the committed tokens are distributed
 * exactly as if sampled from the target {@code p} one at a time.
 *
 * <p>A block of {@code k} draft tokens comes with {@code k + 1} target distributions: position {@code i}'s
 * {@code p_i} is the target's distribution after the context plus draft tokens {@code 0..i-1}, processed with
 * the same {@link SamplingParams} as the draft's {@code q_i}.
 */
public final class RejectionSampler {

    private static final Sampler SAMPLER = new Sampler(); // stateless

    private RejectionSampler() {
    }

    /**
     * Verifies a block from the target's logits, as vLLM's {@code RejectionSampler.forward} does: greedy
     * parameters compare each draft with the target's argmax ({@link #verifyGreedy}); otherwise each row is
     * processed by {@link Sampler#distribution} with the draft's {@code params} and judged by {@link #verify(
     * SparseDistribution[], int[], SparseDistribution[], RandomGenerator)}.
     *
     * @param targetLogits the target's logits at the {@code k + 1} block positions // [k + 1, vocabSize]
     * @param draftTokens  the {@code k} draft tokens
     * @param draft        the {@code k} distributions the drafts were sampled from (unused when greedy)
     * @param params       the sampling parameters both models use
     * @param rng          the random source of a sampled verification (unused when greedy)
     */
    public static Verification verify(float[][] targetLogits, int[] draftTokens, SparseDistribution[] draft,
                                      SamplingParams params, RandomGenerator rng) {
        if (params.isGreedy()) {
            int[] argmax = new int[targetLogits.length];
            for (int i = 0; i < targetLogits.length; i++) {
                argmax[i] = Sampler.argmax(targetLogits[i]);
            }
            return verifyGreedy(argmax, draftTokens);
        }
        SparseDistribution[] target = new SparseDistribution[targetLogits.length];
        for (int i = 0; i < targetLogits.length; i++) {
            target[i] = SAMPLER.distribution(targetLogits[i], params);
        }
        return verify(target, draftTokens, draft, rng);
    }

    /**
     * Greedy verification: accept draft tokens while they equal the target's argmax; at the first mismatch
     * commit the target's argmax as the recovered token, or after a fully accepted block its argmax at
     * position {@code k} as the bonus token.
     *
     * @param targetArgmax the target's argmax at each of the {@code k + 1} block positions
     * @param draftTokens  the {@code k} draft tokens
     */
    public static Verification verifyGreedy(int[] targetArgmax, int[] draftTokens) {
        int k = draftTokens.length;
        if (targetArgmax.length != k + 1) {
            throw new IllegalArgumentException("targetArgmax: " + targetArgmax.length + " positions (expected: "
                    + "draftTokens.length + 1 = " + (k + 1) + ")");
        }
        int accepted = 0;
        while (accepted < k && draftTokens[accepted] == targetArgmax[accepted]) {
            accepted++;
        }
        int[] committed = Arrays.copyOf(draftTokens, accepted + 1);
        committed[accepted] = targetArgmax[accepted];
        return new Verification(accepted, committed, accepted == k);
    }

    /**
     * Stochastic verification. For each position {@code i} in order, accept draft token {@code x} with
     * probability {@code min(1, p_i(x) / q_i(x))}; at the first rejection sample the recovered token from
     * {@link #recoveryDistribution(SparseDistribution, SparseDistribution) normalize(max(0, p_i - q_i))} and
     * stop; if all {@code k} are accepted sample the bonus token from {@code p_k}.
     *
     * <p>Uses one {@code nextDouble()} of {@code rng} per examined draft token, plus one for the final token.
     *
     * @param target      {@code k + 1} target distributions {@code p_0..p_k}
     * @param draftTokens the {@code k} draft tokens
     * @param draft       the {@code k} distributions {@code q_i} each draft token was sampled from
     * @throws IllegalArgumentException if the lengths disagree, or a draft token has {@code q_i(x) = 0} (it
     *                                  cannot have been sampled from {@code q_i})
     */
    public static Verification verify(SparseDistribution[] target, int[] draftTokens, SparseDistribution[] draft,
                                      RandomGenerator rng) {
        Objects.requireNonNull(rng, "rng");
        int k = draftTokens.length;
        if (target.length != k + 1) {
            throw new IllegalArgumentException("target: " + target.length + " distributions (expected: "
                    + "draftTokens.length + 1 = " + (k + 1) + ")");
        }
        if (draft.length != k) {
            throw new IllegalArgumentException("draft: " + draft.length + " distributions (expected: "
                    + "draftTokens.length = " + k + ")");
        }
        for (int i = 0; i < k; i++) {
            SparseDistribution p = target[i];
            SparseDistribution q = draft[i];
            int x = draftTokens[i];
            float qx = q.prob(x);
            if (qx <= 0) {
                throw new IllegalArgumentException("draftTokens[" + i + "]: " + x
                        + " has probability 0 under draft[" + i + "] (expected: sampled from it)");
            }
            // u * q(x) < p(x)  <=>  u < p(x) / q(x): always true when p(x) >= q(x), never when p(x) = 0.
            if (!(rng.nextDouble() * qx < p.prob(x))) {
                int[] committed = Arrays.copyOf(draftTokens, i + 1);
                committed[i] = recoveryDistribution(p, q).sample(rng);
                return new Verification(i, committed, false);
            }
        }
        int[] committed = Arrays.copyOf(draftTokens, k + 1);
        committed[k] = target[k].sample(rng);
        return new Verification(k, committed, true);
    }

    /**
     * The distribution of the recovered token after rejecting a draft from {@code q}: {@code normalize(max(0,
     * p - q))}. Falls back to {@code p} when that residual has no mass (only when {@code p == q} pointwise,
     * where rejection cannot happen).
     */
    public static SparseDistribution recoveryDistribution(SparseDistribution p, SparseDistribution q) {
        int n = p.size();
        int[] tokens = new int[n];
        double[] residual = new double[n];
        int size = 0;
        double sum = 0;
        int j = 0;
        for (int i = 0; i < n; i++) {
            // Merge the two ascending token lists: tokens only in q have residual 0, so only p's matter.
            int token = p.tokenAt(i);
            while (j < q.size() && q.tokenAt(j) < token) {
                j++;
            }
            double qx = j < q.size() && q.tokenAt(j) == token ? q.probAt(j) : 0;
            double r = p.probAt(i) - qx;
            if (r > 0) {
                tokens[size] = token;
                residual[size++] = r;
                sum += r;
            }
        }
        if (!(sum > 0)) {
            return p;
        }
        int[] kept = new int[size];
        float[] probs = new float[size];
        int m = 0;
        for (int i = 0; i < size; i++) {
            float prob = (float) (residual[i] / sum);
            if (prob > 0) {
                kept[m] = tokens[i];
                probs[m++] = prob;
            }
        }
        return new SparseDistribution(Arrays.copyOf(kept, m), Arrays.copyOf(probs, m));
    }
}
