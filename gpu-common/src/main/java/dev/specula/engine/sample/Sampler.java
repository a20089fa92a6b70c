package dev.specula.engine.sample;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Turns logits into the distribution the engine samples from, and samples it. Stateless and thread-safe.
 *
 * <p>Processing order: temperature, top-k, top-p, min-p, renormalization. Top-p keeps the shortest prefix of
 * the remaining tokens, most likely first, whose probability reaches {@code topP - 1e-6}. Ties between equal
 * logits always go to the lower token id (for argmax, and at the top-k and top-p cut-offs), so results are
 * deterministic. Cost is one pass over the vocabulary plus: a heap of {@code topK} entries when top-k is on,
 * and a full sort only when top-p is on without top-k.
 */
public final class Sampler {

    /**
     * Slack on the nucleus threshold: float logits carry ~1e-7 relative error, so a {@code topP} that equals a
     * cumulative boundary (0.4 + 0.3 = 0.7) must not pull in one more token through rounding.
     */
    static final double TOP_P_SLACK = 1e-6;

    /** Creates a sampler; it holds no state. */
    public Sampler() {
    }

    /**
     * The exact distribution {@link #sample} draws from: for temperature 0 a point mass on
     * {@link #argmax(float[])}, otherwise the softmax of {@code logits / temperature} restricted by top-k,
     * top-p and min-p and renormalized. Tokens whose probability underflows a float are left out.
     *
     * @throws IllegalArgumentException if a logit is NaN or +Infinity, or every logit is -Infinity
     */
    public SparseDistribution distribution(float[] logits, SamplingParams params) {
        Objects.requireNonNull(params, "params");
        int best = argmax(logits);
        if (params.isGreedy()) {
            return SparseDistribution.pointMass(best);
        }
        int n = logits.length;
        int[] ids;
        if (params.topK() > 0 && params.topK() < n) {
            ids = topK(logits, params.topK());
        } else if (params.topP() < 1) {
            ids = byLogitDescending(logits);
        } else {
            ids = new int[n];
            Arrays.setAll(ids, i -> i);
        }

        // Stable softmax: subtract the max, so the best token has weight exactly 1 and nothing overflows.
        double max = logits[best];
        double temperature = params.temperature();
        double[] weights = new double[ids.length];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            weights[i] = Math.exp((logits[ids[i]] - max) / temperature);
            sum += weights[i];
        }

        int kept = ids.length;
        if (params.topP() < 1) {
            // ids are in descending logit order here: keep the shortest prefix reaching topP.
            double threshold = (params.topP() - TOP_P_SLACK) * sum;
            double cumulative = 0;
            kept = 0;
            while (kept < ids.length && (kept == 0 || cumulative < threshold)) {
                cumulative += weights[kept++];
            }
        }

        // Min-p: p / p_max is the weight itself, since the best token's weight is 1.
        double minWeight = params.minP();
        int m = 0;
        double keptSum = 0;
        for (int i = 0; i < kept; i++) {
            if (weights[i] > 0 && weights[i] >= minWeight) {
                ids[m] = ids[i];
                weights[m++] = weights[i];
                keptSum += weights[i];
            }
        }

        int[] tokens = new int[m];
        float[] probs = new float[m];
        int size = 0;
        for (int i = 0; i < m; i++) {
            float p = (float) (weights[i] / keptSum);
            if (p > 0) {
                tokens[size] = ids[i];
                probs[size++] = p;
            }
        }
        return new SparseDistribution(Arrays.copyOf(tokens, size), Arrays.copyOf(probs, size));
    }

    /**
     * The token a request draws at sequence position {@code position}: the argmax when greedy, else
     * {@link SeededDraw#token the seeded draw} at {@code position} from {@link #distribution(float[],
     * SamplingParams)}. A pure function of its arguments, so plain decoding, verification and drafting all draw
     * the same token at a position from the same logits.
     */
    public int sample(float[] logits, SamplingParams params, int position) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        return SeededDraw.token(distribution(logits, params), params.seed(), position);
    }

    /**
     * Samples a token from a stream, for callers outside request generation (training data): the argmax when
     * greedy (no randomness used), else one draw from {@link #distribution(float[], SamplingParams)} using
     * exactly one {@code nextDouble()} of {@code rng}.
     */
    public int sample(float[] logits, SamplingParams params, RandomGenerator rng) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        return distribution(logits, params).sample(rng);
    }

    /**
     * The index of the largest logit; ties go to the lowest index.
     *
     * @throws IllegalArgumentException if {@code logits} is empty, holds NaN or +Infinity, or is all -Infinity
     */
    public static int argmax(float[] logits) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + i + "]: " + v + " (expected: finite or -Infinity)");
            }
            if (v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("logits: " + logits.length + " entries, none finite"
                    + " (expected: at least one finite logit)");
        }
        return best;
    }

    /** The {@code k} best token ids in descending logit order, via a max-heap of rank keys (worst at the root). */
    static int[] topK(float[] logits, int k) {
        long[] heap = new long[k];
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            long key = rankKey(logits[id], id);
            if (size < k) {
                heap[size] = key;
                siftUp(heap, size++);
            } else if (key < heap[0]) {
                heap[0] = key;
                siftDown(heap, k);
            }
        }
        Arrays.sort(heap);
        return idsOf(heap);
    }

    /** Every token id in descending logit order. */
    static int[] byLogitDescending(float[] logits) {
        long[] keys = new long[logits.length];
        for (int id = 0; id < logits.length; id++) {
            keys[id] = rankKey(logits[id], id);
        }
        Arrays.sort(keys);
        return idsOf(keys);
    }

    /**
     * A long whose ascending order is descending logit, then ascending id: the float bits made
     * order-preserving as a signed int, negated, in the high half; the id in the low half.
     */
    static long rankKey(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // + 0.0f turns -0.0 into 0.0
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return -(long) sortable << 32 | id;
    }

    private static int[] idsOf(long[] keys) {
        int[] ids = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    private static void siftUp(long[] heap, int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static void siftDown(long[] heap, int size) {
        long key = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= key) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
