package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;

import java.util.random.RandomGenerator;

/**
 * TVD++ from Goel et al. 2024, "Direct Alignment of Draft Model for Speculative Decoding with Chat-Fine-Tuned
 * LLMs" (arXiv 2403.00858): the total variation distance between the target {@code p} and the draft
 * {@code q_θ}, minimised with a policy-gradient estimator whose reward is normalised over the batch.
 *
 * <p>The identity it rests on (using {@code sum_x ∇q_θ(x) = 0}, and {@code p(x) != q_θ(x)} away from kinks):
 * <pre>
 *   ∇_θ TVD(p, q_θ) = -E_{x ~ q_θ}[ r(x) ∇_θ log q_θ(x) ],   r(x) = 1[p(x) > q_θ(x)]
 * </pre>
 * so minimising TVD is maximising the reward {@code r} with REINFORCE, {@code x} sampled from the draft.
 * TVD++ reduces the variance as RL does with advantage normalisation. Per counted row {@code i} of the batch
 * (one next-token position whose context comes from target-generated text), with the token {@code x_i ~ q_i}:
 * <pre>
 *   r_i = 1[p_i(x_i) > q_i(x_i)]
 *   μ = (1/N) sum_i r_i,   σ = sqrt((1/N) sum_i (r_i - μ)^2)          N = counted rows
 *   A_i = (r_i - μ) / (σ + ε)                                          (plain policy gradient: A_i = r_i)
 *   L = -(1/N) sum_i A_i log q_i(x_i)                                  A_i held fixed (no gradient)
 *   ∂L/∂z_i = -(A_i / N) (onehot(x_i) - q_i)                           z_i: the draft's logits of row i
 * </pre>
 * {@code L} is a surrogate: its value is not the TVD, its gradient is the estimator.
 * {@link Result#tvd()} reports the exact mean TVD alongside ({@link TotalVariationLoss}). The tokens must be
 * drawn from the draft ({@link #sampleTokens}) for the estimator to point along the TVD gradient; the
 * observed tokens of target text are drawn from {@code p} and would estimate something else.
 *
 * @param normalizeRewards whether to normalise rewards with their batch mean and standard deviation (TVD++),
 *                         or use them raw (the plain policy-gradient TVD estimator, unbiased)
 */
public record TvdPlusPlusLoss(boolean normalizeRewards) {

    /** TVD++: rewards normalised over the batch. */
    public static final TvdPlusPlusLoss TVD_PLUS_PLUS = new TvdPlusPlusLoss(true);
    /** The plain policy-gradient TVD estimator, rewards used raw. */
    public static final TvdPlusPlusLoss POLICY_GRADIENT = new TvdPlusPlusLoss(false);
    /** Added to σ so that a batch of equal rewards gives zero advantages, not 0/0. */
    public static final double EPSILON = 1e-8;

    /**
     * One evaluation.
     *
     * @param surrogate  the surrogate loss {@code L} whose gradient was written
     * @param tvd        the exact mean TVD over the counted rows, for reporting
     * @param meanReward {@code μ}, the fraction of sampled tokens the draft under-weights
     */
    public record Result(double surrogate, double tvd, double meanReward) {
    }

    /**
     * The TVD++ surrogate and its gradient with respect to the draft's logits; masked rows get zero gradient
     * and do not count in {@code N}, {@code μ} or {@code σ}. With no counted row everything is 0.
     *
     * @param studentLogits the draft's logits // [rows, vocab]
     * @param teacherLogits the target's logits // [rows, vocab]
     * @param tokens        the token {@code x_i ~ q_i} of each counted row; ignored for masked rows // [rows]
     * @param mask          which rows count, or {@code null} for all // [rows]
     * @param rows          the number of rows, > 0
     * @param vocab         the vocabulary size, > 0
     * @param dLogits       overwritten with {@code ∂L/∂z} // [rows, vocab]
     * @return the surrogate, the exact TVD and the mean reward
     * @throws IllegalArgumentException on a shape mismatch or a counted row's token outside {@code [0, vocab)}
     */
    public Result lossAndGradient(float[] studentLogits, float[] teacherLogits, int[] tokens, boolean[] mask,
            int rows, int vocab, float[] dLogits) {
        return lossAndGradient(studentLogits, teacherLogits, tokens, mask, rows, vocab, dLogits, Workers.SERIAL);
    }

    /** As {@link #lossAndGradient(float[], float[], int[], boolean[], int, int, float[])}, rows in parallel. */
    public Result lossAndGradient(float[] studentLogits, float[] teacherLogits, int[] tokens, boolean[] mask,
            int rows, int vocab, float[] dLogits, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkLength("teacherLogits", teacherLogits, size);
        checkTokens(tokens, mask, rows, vocab);
        double[] rewards = new double[rows]; // [rows]
        LogitRows.forEachRow(workers, rows, vocab, (r, q, p) -> {
            if (LogitRows.counts(mask, r)) {
                TotalVariationLoss.probabilities(studentLogits, r, vocab, q);
                TotalVariationLoss.probabilities(teacherLogits, r, vocab, p);
                rewards[r] = p[tokens[r]] > q[tokens[r]] ? 1.0 : 0.0;
            }
        });
        int counted = LogitRows.counted(mask, rows);
        double sum = maskedSum(rewards, mask);
        double mean = counted == 0 ? 0 : sum / counted;
        double[] advantages = counted == 0 ? rewards : advantages(rewards, mask, mean, counted);
        double surrogate = policyGradient(studentLogits, tokens, advantages, mask, rows, vocab, dLogits, workers);
        double tvd = TotalVariationLoss.value(studentLogits, teacherLogits, mask, rows, vocab, workers);
        return new Result(surrogate, tvd, mean);
    }

    /**
     * {@link #sampleTokens} then {@link #lossAndGradient} in two passes over the rows instead of five softmax
     * passes: each row's draft and target distributions are computed once, the draft's kept in {@code dLogits}
     * until the batch's reward statistics are known. Same tokens (same draws of {@code random}) and, up to float
     * rounding of the stored probabilities, the same gradient as the two calls.
     *
     * @return the surrogate, the exact mean TVD and the mean reward
     */
    public Result sampleLossAndGradient(float[] studentLogits, float[] teacherLogits, boolean[] mask, int rows,
            int vocab, RandomGenerator random, float[] dLogits, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkLength("teacherLogits", teacherLogits, size);
        LogitRows.checkLength("dLogits", dLogits, size);
        LogitRows.checkMask(mask, rows);
        double[] uniforms = uniforms(mask, rows, random);
        int[] tokens = new int[rows];
        double[] rewards = new double[rows];   // [rows]
        double[] logqAtToken = new double[rows]; // [rows]
        double[] distances = new double[rows]; // [rows]
        LogitRows.forEachRow(workers, rows, vocab, (r, q, p) -> {
            if (!LogitRows.counts(mask, r)) {
                LogitRows.zeroRow(dLogits, r, vocab);
                return;
            }
            TotalVariationLoss.probabilities(studentLogits, r, vocab, q);
            TotalVariationLoss.probabilities(teacherLogits, r, vocab, p);
            int token = inverseCdf(q, vocab, uniforms[r]);
            tokens[r] = token;
            rewards[r] = p[token] > q[token] ? 1.0 : 0.0;
            logqAtToken[r] = Math.log(q[token]);
            double tvd = 0;
            int base = r * vocab;
            for (int v = 0; v < vocab; v++) {
                tvd += Math.abs(p[v] - q[v]);
                dLogits[base + v] = (float) q[v];
            }
            distances[r] = 0.5 * tvd;
        });
        int counted = LogitRows.counted(mask, rows);
        double sum = maskedSum(rewards, mask);
        if (counted == 0) {
            return new Result(0, 0, 0);
        }
        double mean = sum / counted;
        double[] advantages = advantages(rewards, mask, mean, counted);
        int n = counted;
        double[] terms = new double[rows];
        LogitRows.forEachRow(workers, rows, vocab, (r, unusedA, unusedB) -> {
            if (!LogitRows.counts(mask, r)) {
                return;
            }
            double a = advantages[r];
            terms[r] = -a * logqAtToken[r];
            int base = r * vocab;
            for (int v = 0; v < vocab; v++) {
                double g = -a * ((v == tokens[r] ? 1.0 : 0.0) - dLogits[base + v]);
                dLogits[base + v] = (float) (g / n);
            }
        });
        return new Result(LogitRows.sum(terms) / counted, LogitRows.sum(distances) / counted, mean);
    }

    /**
     * The REINFORCE surrogate for fixed advantages, {@code L = -(1/N) sum_i A_i log q_i(x_i)} over the counted
     * rows, and its gradient {@code -(A_i / N) (onehot(x_i) - q_i)} per counted row.
     *
     * @param studentLogits the draft's logits // [rows, vocab]
     * @param tokens        the evaluated token of each counted row // [rows]
     * @param advantages    {@code A_i}, treated as constants // [rows]
     * @param mask          which rows count, or {@code null} for all // [rows]
     * @param rows          the number of rows, > 0
     * @param vocab         the vocabulary size, > 0
     * @param dLogits       overwritten with {@code ∂L/∂z} // [rows, vocab]
     * @return the surrogate {@code L}
     * @throws IllegalArgumentException on a shape mismatch or a counted row's token outside {@code [0, vocab)}
     */
    public static double policyGradient(float[] studentLogits, int[] tokens, double[] advantages, boolean[] mask,
            int rows, int vocab, float[] dLogits) {
        return policyGradient(studentLogits, tokens, advantages, mask, rows, vocab, dLogits, Workers.SERIAL);
    }

    /** As {@link #policyGradient(float[], int[], double[], boolean[], int, int, float[])}, rows in parallel. */
    public static double policyGradient(float[] studentLogits, int[] tokens, double[] advantages, boolean[] mask,
            int rows, int vocab, float[] dLogits, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkLength("dLogits", dLogits, size);
        checkTokens(tokens, mask, rows, vocab);
        if (advantages == null) {
            throw new IllegalArgumentException("advantages: null (expected: rows = " + rows + " entries)");
        }
        LogitRows.checkRows("advantages", advantages.length, rows);
        int counted = LogitRows.counted(mask, rows);
        double[] terms = new double[rows];
        int n = counted;
        LogitRows.forEachRow(workers, rows, vocab, (r, logq, unused) -> {
            if (!LogitRows.counts(mask, r)) {
                LogitRows.zeroRow(dLogits, r, vocab);
                return;
            }
            LogitRows.logSoftmax(studentLogits, r, vocab, 1.0, logq);
            double a = advantages[r];
            terms[r] = -a * logq[tokens[r]];
            int base = r * vocab;
            for (int v = 0; v < vocab; v++) {
                double g = -a * ((v == tokens[r] ? 1.0 : 0.0) - Math.exp(logq[v]));
                dLogits[base + v] = (float) (g / n);
            }
        });
        return counted == 0 ? 0.0 : LogitRows.sum(terms) / counted;
    }

    /**
     * Draws one token per counted row from the draft, {@code x_i ~ softmax(studentLogits[i])}, by inverse CDF
     * with one {@code nextDouble()} per counted row; masked rows get {@code -1}.
     *
     * @param studentLogits the draft's logits // [rows, vocab]
     * @param mask          which rows count, or {@code null} for all // [rows]
     * @param rows          the number of rows, > 0
     * @param vocab         the vocabulary size, > 0
     * @param random        the (seeded) source of randomness
     * @return the sampled tokens // [rows]
     */
    public static int[] sampleTokens(float[] studentLogits, boolean[] mask, int rows, int vocab,
            RandomGenerator random) {
        return sampleTokens(studentLogits, mask, rows, vocab, random, Workers.SERIAL);
    }

    /**
     * As {@link #sampleTokens(float[], boolean[], int, int, RandomGenerator)}, rows in parallel; the uniform
     * numbers are drawn in row order first, so the tokens are the same on any number of threads.
     */
    public static int[] sampleTokens(float[] studentLogits, boolean[] mask, int rows, int vocab,
            RandomGenerator random, Workers workers) {
        int size = LogitRows.size(rows, vocab);
        LogitRows.checkLength("studentLogits", studentLogits, size);
        LogitRows.checkMask(mask, rows);
        if (random == null) {
            throw new IllegalArgumentException("random: null (expected: a RandomGenerator)");
        }
        double[] uniforms = uniforms(mask, rows, random);
        int[] tokens = new int[rows];
        LogitRows.forEachRow(workers, rows, vocab, (r, q, unused) -> {
            if (!LogitRows.counts(mask, r)) {
                tokens[r] = -1;
                return;
            }
            TotalVariationLoss.probabilities(studentLogits, r, vocab, q);
            tokens[r] = inverseCdf(q, vocab, uniforms[r]);
        });
        return tokens;
    }

    /** One uniform number per counted row, drawn in row order (0 for masked rows, which draw none). */
    private static double[] uniforms(boolean[] mask, int rows, RandomGenerator random) {
        double[] uniforms = new double[rows];
        for (int r = 0; r < rows; r++) {
            uniforms[r] = LogitRows.counts(mask, r) ? random.nextDouble() : 0;
        }
        return uniforms;
    }

    /** The token whose cumulative probability first exceeds {@code u}. */
    private static int inverseCdf(double[] q, int vocab, double u) {
        double cdf = 0;
        for (int v = 0; v < vocab; v++) {
            cdf += q[v];
            if (u < cdf) {
                return v;
            }
        }
        return vocab - 1; // rounding can leave the CDF a hair below 1
    }

    private static double maskedSum(double[] values, boolean[] mask) {
        double sum = 0;
        for (int r = 0; r < values.length; r++) {
            sum += LogitRows.counts(mask, r) ? values[r] : 0;
        }
        return sum;
    }

    /** TVD++'s advantages, {@code (r − μ) / (σ + ε)}, or the raw rewards for the plain estimator. */
    private double[] advantages(double[] rewards, boolean[] mask, double mean, int counted) {
        if (!normalizeRewards) {
            return rewards;
        }
        double squares = 0;
        for (int r = 0; r < rewards.length; r++) {
            squares += LogitRows.counts(mask, r) ? (rewards[r] - mean) * (rewards[r] - mean) : 0;
        }
        double sigma = Math.sqrt(squares / counted);
        double[] advantages = new double[rewards.length];
        for (int r = 0; r < rewards.length; r++) {
            advantages[r] = LogitRows.counts(mask, r) ? (rewards[r] - mean) / (sigma + EPSILON) : 0;
        }
        return advantages;
    }

    private static void checkTokens(int[] tokens, boolean[] mask, int rows, int vocab) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens: null (expected: rows = " + rows + " entries)");
        }
        LogitRows.checkRows("tokens", tokens.length, rows);
        LogitRows.checkMask(mask, rows);
        for (int r = 0; r < rows; r++) {
            if (LogitRows.counts(mask, r)) {
                LogitRows.checkToken("tokens", r, tokens[r], vocab);
            }
        }
    }
}
