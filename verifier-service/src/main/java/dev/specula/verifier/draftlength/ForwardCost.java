package dev.specula.verifier.draftlength;

/** An estimate of how long one forward pass of the target takes, by load. */
@FunctionalInterface
public interface ForwardCost {

    /**
     * Estimated milliseconds a session waits for a pass over {@code tokens} of its positions while {@code load}
     * sessions share the target, {@code tokens >= 1}, {@code load >= 1}; NaN when nothing is known yet.
     */
    double millis(int load, int tokens);
}
