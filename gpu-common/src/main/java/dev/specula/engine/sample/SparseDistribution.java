package dev.specula.engine.sample;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A probability distribution over token ids, listing only the tokens with non-zero probability. It is the
 * exact distribution a token was (or will be) sampled from after all logits processing: the drafter sends
 * it over the wire as {@code q} so the verifier can apply the lossless acceptance rule.
 *
 * <p>Tokens are kept sorted ascending (the constructor sorts them), so {@link #prob(int)} is a binary search
 * and two distributions can be merged in linear time.
 *
 * @param tokens distinct token ids, {@code >= 0}
 * @param probs  {@code probs[i]} is the probability of {@code tokens[i]}: finite, {@code > 0}, summing to 1
 *               within {@link #SUM_TOLERANCE}
 */
public record SparseDistribution(int[] tokens, float[] probs) {

    /** How far the probabilities may sum from 1: float rounding over a 150k vocabulary stays far below it. */
    public static final double SUM_TOLERANCE = 1e-3;

    public SparseDistribution {
        if (tokens.length != probs.length) {
            throw new IllegalArgumentException("tokens/probs: " + tokens.length + " tokens but " + probs.length
                    + " probs (expected: the same length)");
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens: empty (expected: at least one token)");
        }
        tokens = tokens.clone();
        probs = probs.clone();
        double sum = 0;
        boolean sorted = true;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0) {
                throw new IllegalArgumentException("tokens[" + i + "]: " + tokens[i] + " (expected: >= 0)");
            }
            if (!(probs[i] > 0) || Float.isInfinite(probs[i])) {
                throw new IllegalArgumentException("probs[" + i + "]: " + probs[i] + " (expected: finite and > 0)");
            }
            sorted &= i == 0 || tokens[i - 1] < tokens[i];
            sum += probs[i];
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("probs: sum " + sum + " (expected: 1 ± " + SUM_TOLERANCE + ")");
        }
        if (!sorted) {
            sortByToken(tokens, probs);
        }
    }

    /** All the mass on one token. */
    public static SparseDistribution pointMass(int token) {
        return new SparseDistribution(new int[] {token}, new float[] {1f});
    }

    /**
     * The distribution whose probability of token {@code i} is {@code probs[i]}; zero entries are left out.
     *
     * @throws IllegalArgumentException if an entry is negative or not finite, or the entries do not sum to 1
     */
    public static SparseDistribution fromDense(float[] probs) {
        int nonZero = 0;
        for (int i = 0; i < probs.length; i++) {
            if (!(probs[i] >= 0) || Float.isInfinite(probs[i])) {
                throw new IllegalArgumentException("probs[" + i + "]: " + probs[i] + " (expected: finite and >= 0)");
            }
            if (probs[i] > 0) {
                nonZero++;
            }
        }
        int[] tokens = new int[nonZero];
        float[] kept = new float[nonZero];
        int j = 0;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                tokens[j] = i;
                kept[j++] = probs[i];
            }
        }
        return new SparseDistribution(tokens, kept);
    }

    /** Number of tokens with non-zero probability. */
    public int size() {
        return tokens.length;
    }

    /** The {@code i}-th token id in ascending order, without copying the array. */
    public int tokenAt(int i) {
        return tokens[i];
    }

    /** The probability of {@link #tokenAt(int) tokenAt(i)}, without copying the array. */
    public float probAt(int i) {
        return probs[i];
    }

    /** The probability of {@code token}; 0 when it is not listed. */
    public float prob(int token) {
        int i = Arrays.binarySearch(tokens, token);
        return i >= 0 ? probs[i] : 0f;
    }

    /** The dense probability vector over {@code vocabSize} tokens. */
    public float[] toDense(int vocabSize) {
        if (tokens[tokens.length - 1] >= vocabSize) {
            throw new IllegalArgumentException("vocabSize: " + vocabSize + " (expected: > largest token "
                    + tokens[tokens.length - 1] + ")");
        }
        float[] dense = new float[vocabSize];
        for (int i = 0; i < tokens.length; i++) {
            dense[tokens[i]] = probs[i];
        }
        return dense;
    }

    /** Draws one token; uses exactly one {@link RandomGenerator#nextDouble()} of {@code rng}. */
    public int sample(RandomGenerator rng) {
        // Scale by the actual sum so float rounding cannot bias the last token.
        double total = 0;
        for (float p : probs) {
            total += p;
        }
        double u = rng.nextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < probs.length; i++) {
            cumulative += probs[i];
            if (u < cumulative) {
                return tokens[i];
            }
        }
        return tokens[tokens.length - 1];
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] probs() {
        return probs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseDistribution d && Arrays.equals(tokens, d.tokens) && Arrays.equals(probs, d.probs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(probs);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("SparseDistribution{");
        int shown = Math.min(tokens.length, 16);
        for (int i = 0; i < shown; i++) {
            s.append(i == 0 ? "" : ", ").append(tokens[i]).append('=').append(probs[i]);
        }
        return s.append(tokens.length > shown ? ", … (" + tokens.length + " tokens)}" : "}").toString();
    }

    /** Sorts both arrays by token id, rejecting duplicates. */
    private static void sortByToken(int[] tokens, float[] probs) {
        long[] keys = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            keys[i] = (long) tokens[i] << 32 | i;
        }
        Arrays.sort(keys);
        float[] original = probs.clone();
        for (int i = 0; i < keys.length; i++) {
            tokens[i] = (int) (keys[i] >>> 32);
            probs[i] = original[(int) keys[i]];
            if (i > 0 && tokens[i] == tokens[i - 1]) {
                throw new IllegalArgumentException("tokens: " + tokens[i] + " listed twice (expected: distinct)");
            }
        }
    }
}
