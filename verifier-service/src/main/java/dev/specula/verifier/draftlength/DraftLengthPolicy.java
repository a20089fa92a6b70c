package dev.specula.verifier.draftlength;

/**
 * Chooses the draft length of a session step by step (SPECULATION_MODE_AUTO), and whether to open a drafter at
 * all. It keeps an estimate of the per-token acceptance probability α (an exponential moving average of accepted
 * over examined draft tokens, starting from what the verifier's other sessions measured of the same drafter) and
 * of the wait for a block per drafted token, and asks a {@link ForwardCost} what a plain step and a verification
 * of k + 1 positions cost at the current load.
 *
 * <p>A block of k drafts commits {@code E = (1 - α^(k+1)) / (1 - α)} tokens in expectation. Speculating at k is
 * worth it only when it speeds up both this session ({@code E} tokens per verification and wait, against one per
 * plain step) and the whole batch: with {@code n} sessions sharing a pass, the k extra positions slow down the
 * other {@code n - 1} too, so the batch commits {@code n - 1 + E} tokens per verification pass against {@code n}
 * per plain pass. On a compute-bound target under load the second never pays, whatever the acceptance. Not
 * thread-safe: one session uses it.
 */
public final class DraftLengthPolicy {

    /** Verifications observed before the policy moves away from the starting length. */
    public static final int WARMUP_STEPS = 3;
    /** The predicted speedup a session needs to open a drafter (a margin for noise and the handshake). */
    public static final double OPEN_SPEEDUP = 1.05;
    /** Weight of a new block in the acceptance averages. */
    static final double DECAY = 0.25;
    /** The prior acceptance before anything is observed, and its weight in examined tokens. */
    static final double PRIOR_ALPHA = 0.6;
    static final double PRIOR_WEIGHT = 2;

    private final int maxLength;
    private final ForwardCost cost;
    private final DrafterHistory history;
    private int current;
    private int observed;
    private double acceptedAverage;
    private double examinedAverage = PRIOR_WEIGHT;
    private double waitPerTokenMs;
    private boolean waitMeasured;

    /**
     * @param initial   the starting draft length, in [1, maxLength]
     * @param maxLength the largest draft length
     * @param cost      forward-pass time estimates
     * @param history   what the verifier measured of this drafter so far; this policy adds to it
     */
    public DraftLengthPolicy(int initial, int maxLength, ForwardCost cost, DrafterHistory history) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 1)");
        }
        if (initial < 1 || initial > maxLength) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: 1.." + maxLength + ")");
        }
        this.current = initial;
        this.maxLength = maxLength;
        this.cost = cost;
        this.history = history;
        this.acceptedAverage = history.acceptance() * PRIOR_WEIGHT;
        this.waitPerTokenMs = history.waitPerTokenMs();
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
        history.recordVerification(accepted, examined);
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
        history.recordWait(perToken);
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

    /**
     * The predicted speedup over plain decoding of verifying {@code k} drafts per step at {@code load} sessions,
     * the smaller of the session's own and the batch's (see the class comment); NaN when the costs are unknown.
     */
    public static double speedup(ForwardCost cost, int load, double alpha, double waitPerTokenMs, int k) {
        double plain = cost.millis(load, 1);
        double verify = cost.millis(load, k + 1);
        double tokens = expectedTokens(alpha, k);
        double own = tokens * plain / Math.max(verify + waitPerTokenMs * k, 1e-6);
        double batch = (load - 1 + tokens) * plain / Math.max(load * verify, 1e-6);
        return Math.min(own, batch);
    }

    /** The draft length in [1, maxLength] with the largest predicted speedup at {@code load}. */
    static int best(ForwardCost cost, int load, double alpha, double waitPerTokenMs, int maxLength) {
        int best = 1;
        double bestSpeedup = speedup(cost, load, alpha, waitPerTokenMs, 1);
        for (int k = 2; k <= maxLength; k++) {
            double s = speedup(cost, load, alpha, waitPerTokenMs, k);
            if (s > bestSpeedup) {
                best = k;
                bestSpeedup = s;
            }
        }
        return best;
    }

    /**
     * Whether a new session at {@code load} should open the drafter {@code history} describes: when what the
     * verifier measured predicts a speedup of at least {@link #OPEN_SPEEDUP} at the best draft length up to
     * {@code maxLength}, or while the costs are still unknown.
     */
    public static boolean worthOpening(ForwardCost cost, int load, DrafterHistory history, int maxLength) {
        if (Double.isNaN(cost.millis(load, 1))) {
            return true;
        }
        double alpha = history.acceptance();
        double wait = history.waitPerTokenMs();
        int k = best(cost, load, alpha, wait, maxLength);
        return speedup(cost, load, alpha, wait, k) >= OPEN_SPEEDUP;
    }

    /** The draft length for the next block at {@code load} sessions: in [1, max], or 0 for plain decoding from now on. */
    public int next(int load) {
        if (current == 0 || observed < WARMUP_STEPS || Double.isNaN(cost.millis(load, 1))) {
            return current;
        }
        double alpha = acceptance();
        int best = best(cost, load, alpha, waitPerTokenMs, maxLength);
        current = speedup(cost, load, alpha, waitPerTokenMs, best) > 1 ? best : 0;
        return current;
    }
}
