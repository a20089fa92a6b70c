package dev.specula.drafter;

import dev.specula.engine.batch.ForwardBatcher;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.SeededDraw;
import dev.specula.engine.sample.SparseDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * Drafts blocks for one session: feeds its KV cache through the model's {@link ForwardBatcher} (so the steps
 * of concurrent sessions share passes) and chooses each draft token greedily or by sampling.
 *
 * <p>Randomness: the token for sequence position {@code t} is drawn with {@link Sampler#sample(float[],
 * SamplingParams, int)} at {@code t}, with the same seeded noise the verifier uses for the target's own draw
 * there (see {@link dev.specula.engine.sample.SeededDraw}). A draft therefore agrees with the target's token
 * whenever the two models' distributions are close, and depends only on the sequence it was drafted from, the
 * seed and its position: never on the epoch, on timing or on blocks drafted ahead and dropped.
 */
final class BlockDrafter {

    private final InferenceSession kv;
    private final ForwardBatcher batcher;
    private final SamplingParams sampling;
    private final double minConfidence;
    private final Sampler sampler = new Sampler();
    private long forwardNanos;

    /**
     * @param kv            the session's KV cache; this drafter is its only user
     * @param batcher       the batcher of the model {@code kv} belongs to
     * @param sampling      how draft tokens are chosen
     * @param minConfidence stop a block early when the model's top probability falls below it; 0 = never
     */
    BlockDrafter(InferenceSession kv, ForwardBatcher batcher, SamplingParams sampling, double minConfidence) {
        this.kv = kv;
        this.batcher = batcher;
        this.sampling = sampling;
        this.minConfidence = minConfidence;
    }

    /** Runs {@code tokens} at the next positions of the KV cache and returns the logits after the last one. */
    float[] feed(int[] tokens) {
        long start = System.nanoTime();
        try {
            return batcher.submit(kv, tokens, false).join()[0]; // [vocab]
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DraftFailure("forward pass at position " + kv.position() + " failed: " + cause.getMessage(), cause);
        } finally {
            forwardNanos += System.nanoTime() - start;
        }
    }

    /**
     * Drafts one block at {@code base}.
     *
     * @param pending the tokens of the assumed sequence not yet in the KV cache (at least the last one):
     *                {@code kv.position() + pending.length == base}
     * @param base    the length of the assumed sequence: where the first draft token goes
     * @param epoch   the block's epoch
     * @param k       tokens wanted; fewer where the confidence falls or the length limit is near
     * @param predict whether to also choose the token after the block ({@link Draft#predicted()}), leaving the
     *                KV cache at {@code base + size} so the next block can start from that token
     * @param limit   no token goes at or beyond this position; {@code base < limit}
     * @param abort   checked between steps; when it turns true the block is abandoned and {@code null} returned
     * @return the block, or {@code null} when aborted
     * @throws DraftFailure when a forward pass fails
     */
    Draft draft(int[] pending, int base, int epoch, int k, boolean predict, int limit, BooleanSupplier abort) {
        if (kv.position() + pending.length != base || base >= limit || k < 1) {
            throw new IllegalStateException("draft at " + base + " (limit " + limit + ", k " + k + ") with KV cache at "
                    + kv.position() + " and " + pending.length + " pending tokens");
        }
        long start = System.nanoTime();
        int want = Math.min(k, limit - base);
        boolean greedy = sampling.isGreedy();
        List<Integer> tokens = new ArrayList<>(want);
        List<SparseDistribution> q = new ArrayList<>(greedy ? 0 : want);
        int predicted = Draft.NO_PREDICTION;
        float[] logits = feed(pending);
        while (true) {
            int j = tokens.size();
            if (j == want || j > 0 && minConfidence > 0 && topProbability(logits) < minConfidence) {
                if (predict && base + j < limit) {
                    predicted = sampler.sample(logits, sampling, base + j);
                }
                break;
            }
            int token;
            if (greedy) {
                token = Sampler.argmax(logits);
            } else {
                SparseDistribution distribution = sampler.distribution(logits, sampling);
                token = SeededDraw.token(distribution, sampling.seed(), base + j);
                q.add(distribution);
            }
            tokens.add(token);
            boolean needsNextLogits = j + 1 < want || predict && base + want < limit;
            if (!needsNextLogits) {
                break;
            }
            if (abort.getAsBoolean()) {
                return null;
            }
            logits = feed(new int[] {token});
        }
        int[] drafted = tokens.stream().mapToInt(Integer::intValue).toArray();
        return new Draft(base, epoch, drafted, q, predicted, (System.nanoTime() - start) / 1e6);
    }

    /** Nanoseconds spent waiting for forward passes so far. */
    long forwardNanos() {
        return forwardNanos;
    }

    /** The largest softmax probability of {@code logits} (at temperature 1): the model's own confidence. */
    static double topProbability(float[] logits) {
        float max = logits[Sampler.argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return 1 / sum;
    }

    /** A forward pass failed: the session ends with INTERNAL. */
    static final class DraftFailure extends RuntimeException {
        DraftFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
