package dev.specula.verifier.draftlength;

/** An estimate of how long one forward pass of the target takes. */
@FunctionalInterface
public interface ForwardCost {

    /** Estimated milliseconds of a pass over {@code tokens} positions of one session, {@code tokens >= 1}. */
    double millis(int tokens);
}
