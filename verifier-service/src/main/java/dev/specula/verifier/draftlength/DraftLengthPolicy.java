package dev.specula.verifier.draftlength;

/**
 * Chooses the draft length of a session step by step (SPECULATION_MODE_AUTO). It keeps an estimate of the
 * per-token acceptance probability α (an exponential moving average of accepted over examined draft tokens)
 * and of the wait for a block per drafted token, and asks a {@link ForwardCost} what verifying k + 1 positions
 * and a plain step cost. A block of k drafts commits {@code (1 - α^(k+1)) / (1 - α)} tokens in expectation;
 * the policy picks the k in [1, max] with the most expected committed tokens per millisecond, or 0 (stop
 * speculating) when a plain step is expected to be faster. Not thread-safe: one session uses it.
 */
public final class DraftLengthPolicy {

    /** Verifications observed before the policy moves away from the starting length. */
    public static final int WARMUP_STEPS = 3;
    /** Weight of a new block in the acceptance averages. */
    static final double DECAY = 0.25;
    /** The prior acceptance before anything is observed, and its weight in examined tokens. */
    static final double PRIOR_ALPHA = 0.6;
    static final double PRIOR_WEIGHT = 2;

    private final int maxLength;
    private final ForwardCost cost;
    private int current;
    private int observed;
    private double acceptedAverage = PRIOR_ALPHA * PRIOR_WEIGHT;
    private double examinedAverage = PRIOR_WEIGHT;
    private double waitPerTokenMs;
    private boolean waitMeasured;

    /**
     * @param initial   the starting draft length, in [1, maxLength]
     * @param maxLength the largest draft length
     * @param cost      forward-pass time estimates
     */
    public DraftLengthPolicy(int initial, int maxLength, ForwardCost cost) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 1)");
        }
        if (initial < 1 || initial > maxLength) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: 1.." + maxLength + ")");
        }
        this.current = initial;
        this.maxLength = maxLength;
        this.cost = cost;
    }

    /** Records a verified block: {@code accepted} of {@code drafted} tokens (a prefix) were accepted. */
    public void recordVerification(int drafted, int accepted) {
        if (drafted < 1 || accepted < 0 || accepted > drafted) {
            throw new IllegalArgumentException("accepted: " + accepted + " of drafted: " + drafted
                    + " (expected: 0 <= accepted <= drafted, drafted >= 1)");
        }
        // Tokens examined: the accepted ones plus the rejected one, if the block was not accepted in full.
        int examined = accepted + (accepted < drafted ? 1 : 0);
        acceptedAverage = (1 - DECAY) * acceptedAverage + DECAY * accepted;
        examinedAverage = (1 - DECAY) * examinedAverage + DECAY * examined;
        observed++;
    }

    /** Records how long the session waited for a block of {@code drafted} tokens. */
    public void recordWait(int drafted, double waitMs) {
        if (drafted < 1 || !(waitMs >= 0)) {
            return;
        }
        double perToken = waitMs / drafted;
        waitPerTokenMs = waitMeasured ? (1 - DECAY) * waitPerTokenMs + DECAY * perToken : perToken;
        waitMeasured = true;
    }

    /** The current estimate of the per-token acceptance probability. */
    public double acceptance() {
        return examinedAverage > 0 ? Math.min(1, acceptedAverage / examinedAverage) : 0;
    }

    /** Expected tokens one verification of {@code k} drafts commits at acceptance {@code alpha}. */
    public static double expectedTokens(double alpha, int k) {
        if (alpha >= 1) {
            return k + 1;
        }
        return (1 - Math.pow(alpha, k + 1)) / (1 - alpha);
    }

    /** Expected committed tokens per millisecond with {@code k} drafts per block (k = 0: plain decoding). */
    public double expectedRate(int k) {
        if (k == 0) {
            return 1 / Math.max(cost.millis(1), 1e-6);
        }
        double millis = cost.millis(k + 1) + waitPerTokenMs * k;
        return expectedTokens(acceptance(), k) / Math.max(millis, 1e-6);
    }

    /** The draft length for the next block: in [1, max], or 0 for plain decoding from now on. */
    public int next() {
        if (current == 0 || observed < WARMUP_STEPS || Double.isNaN(cost.millis(1))) {
            return current;
        }
        int best = 1;
        double bestRate = expectedRate(1);
        for (int k = 2; k <= maxLength; k++) {
            double rate = expectedRate(k);
            if (rate > bestRate) {
                best = k;
                bestRate = rate;
            }
        }
        current = bestRate > expectedRate(0) ? best : 0;
        return current;
    }
}
