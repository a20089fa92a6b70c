package dev.specula.engine.sample;

/**
 * The one way a seeded request draws its token at a sequence position: Gumbel-max sampling (in its
 * exponential-race form) with noise that is a pure function of (seed, position, token).
 *
 * <p>The token at absolute position {@code t} (its index in the sequence, BOS at 0) drawn from a distribution
 * {@code d} is {@code argmin_x E(seed, t, x) / d(x)} over the tokens {@code x} with {@code d(x) > 0}, where
 * each {@code E} is an Exp(1) variate from a counter-based hash (SplitMix64's finalizer). Since {@code E / d(x)}
 * is Exp({@code d(x)}) and the minimum of independent exponentials falls on {@code x} with probability
 * {@code d(x) / sum d = d(x)}, the draw has exactly the distribution {@code d}; over seeds, the draws at distinct
 * positions are independent. Nothing is consumed from a stream, so a draw never depends on how many draws came
 * before it, in which block, or on which machine.
 *
 * <p>Why Gumbel-max and not inverse-CDF with one uniform per position: speculative decoding draws the draft
 * model's token at {@code t} from {@code q_t} with the same noise as the target's from {@code p_t} and accepts a
 * draft iff the two are equal ({@link RejectionSampler}). The committed tokens are then exactly the target's own
 * draws, whatever the drafter and the draft length. The two draws agree with probability at least
 * {@code (1 - TV(p, q)) / (1 + TV(p, q))} whatever the token order (Daliri, Musco and Suresh, "Coupling without
 * Communication and Drafter-Invariant Speculative Decoding", 2024), close to the {@code 1 - TV} of the
 * {@code min(1, p/q)} rule, whereas inverse-CDF draws over token ids lose agreement to every shift of the
 * cumulative mass before a token.
 */
public final class SeededDraw {

    /** Keeps these draws apart from any other use of the request seed. */
    private static final long PURPOSE_TOKEN = 0x5EED_70CE_0000_0001L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private SeededDraw() {
    }

    /**
     * The token at sequence position {@code position} drawn from {@code d} with the noise of {@code seed}: the
     * same arguments always give the same token, and over seeds it is distributed exactly as {@code d}. Ties
     * (probability ~0) go to the lower token id.
     *
     * @throws IllegalArgumentException if {@code position < 0}
     */
    public static int token(SparseDistribution d, long seed, int position) {
        long key = positionKey(seed, position);
        int best = d.tokenAt(0);
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d.size(); i++) {
            int token = d.tokenAt(i);
            double score = exponential(key, token) / d.probAt(i);
            if (score < bestScore) {
                best = token;
                bestScore = score;
            }
        }
        return best;
    }

    /** The Exp(1) noise of {@code token} at {@code position} for {@code seed}; exposed for tests. */
    static double exponential(long seed, int position, int token) {
        return exponential(positionKey(seed, position), token);
    }

    private static long positionKey(long seed, int position) {
        if (position < 0) {
            throw new IllegalArgumentException("position: " + position + " (expected: >= 0)");
        }
        return mix(mix(seed ^ PURPOSE_TOKEN) + GOLDEN * (position + 1L));
    }

    private static double exponential(long positionKey, int token) {
        long bits = mix(positionKey + GOLDEN * (token + 1L));
        double u = ((bits >>> 11) + 1) * 0x1.0p-53; // uniform in (0, 1], so the log is finite
        return -Math.log(u);
    }

    /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
