package dev.specula.drafter;

import dev.specula.engine.batch.ForwardBatcher;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.SparseDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * Drafts blocks for one session: feeds its KV cache through the model's {@link ForwardBatcher} (so the steps
 * of concurrent sessions share passes) and chooses each draft token greedily or by sampling.
 *
 * <p>Randomness: each block draws from its own stream, seeded from the request seed, the block's epoch and
 * its base position, and kept apart from the verifier's stream (which the request seed itself seeds). A
 * block's tokens therefore depend only on the sequence it was drafted from and on those three numbers, never
 * on timing: drafting ahead a block that is later dropped cannot shift the samples of the blocks after it,
 * so the same request gives the same drafts, hence the same output, on every run.
 */
final class BlockDrafter {

    private static final long DRAFTER_STREAM = 0x9E3779B97F4A7C15L;

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
        SplittableRandom random = greedy ? null : new SplittableRandom(blockSeed(sampling.seed(), epoch, base));
        List<Integer> tokens = new ArrayList<>(want);
        List<SparseDistribution> q = new ArrayList<>(greedy ? 0 : want);
        int predicted = Draft.NO_PREDICTION;
        float[] logits = feed(pending);
        while (true) {
            int j = tokens.size();
            if (j == want || j > 0 && minConfidence > 0 && topProbability(logits) < minConfidence) {
                if (predict && base + j < limit) {
                    predicted = greedy ? Sampler.argmax(logits) : sampler.distribution(logits, sampling).sample(random);
                }
                break;
            }
            int token;
            if (greedy) {
                token = Sampler.argmax(logits);
            } else {
                SparseDistribution distribution = sampler.distribution(logits, sampling);
                token = distribution.sample(random);
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

    /** The seed of the stream a block at {@code base} in {@code epoch} samples from. */
    static long blockSeed(long requestSeed, int epoch, int base) {
        long s = mix(requestSeed ^ DRAFTER_STREAM);
        s = mix(s + 0xBF58476D1CE4E5B9L * (epoch + 1L));
        return mix(s + 0x94D049BB133111EBL * (base + 1L));
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A forward pass failed: the session ends with INTERNAL. */
    static final class DraftFailure extends RuntimeException {
        DraftFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
