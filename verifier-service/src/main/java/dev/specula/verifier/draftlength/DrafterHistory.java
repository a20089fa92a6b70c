package dev.specula.verifier.draftlength;

/**
 * What every session of the verifier has measured of one drafter: its per-token acceptance and how long a
 * session waits for its blocks, as exponential moving averages. A new session decides from them whether opening
 * the drafter can pay before it pays for the handshake. Since a drafter that is never opened is never measured
 * again, the verifier lets a session open one anyway now and then ({@code DrafterPool.tryProbe}). Thread-safe.
 */
public final class DrafterHistory {

    /** Weight of a new block in the averages. */
    static final double DECAY = 0.1;

    private double acceptedAverage = DraftLengthPolicy.PRIOR_ALPHA * DraftLengthPolicy.PRIOR_WEIGHT;
    private double examinedAverage = DraftLengthPolicy.PRIOR_WEIGHT;
    private double waitPerTokenMs;
    private boolean waitMeasured;
    private long blocks;

    /** Records a verified block: {@code accepted} of {@code drafted} accepted, {@code examined} looked at. */
    synchronized void recordVerification(int accepted, int examined) {
        acceptedAverage = (1 - DECAY) * acceptedAverage + DECAY * accepted;
        examinedAverage = (1 - DECAY) * examinedAverage + DECAY * examined;
        blocks++;
    }

    /** Records a wait of {@code perTokenMs} per drafted token. */
    synchronized void recordWait(double perTokenMs) {
        waitPerTokenMs = waitMeasured ? (1 - DECAY) * waitPerTokenMs + DECAY * perTokenMs : perTokenMs;
        waitMeasured = true;
    }

    /** The per-token acceptance measured so far (the prior before any block). */
    public synchronized double acceptance() {
        return Math.min(1, acceptedAverage / examinedAverage);
    }

    /** The wait for a block per drafted token, in milliseconds (0 before any block). */
    public synchronized double waitPerTokenMs() {
        return waitPerTokenMs;
    }

    /** Blocks measured so far. */
    public synchronized long blocks() {
        return blocks;
    }
}
