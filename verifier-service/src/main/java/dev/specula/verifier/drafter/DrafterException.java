package dev.specula.verifier.drafter;

/** A drafter could not serve a session; the message says what happened, for the session summary. */
public final class DrafterException extends Exception {

    private final boolean timedOut;

    /** @param message what happened, in words ("refused the session: FAILED_PRECONDITION: ...") */
    public DrafterException(String message) {
        this(message, false);
    }

    /**
     * @param message  what happened, in words
     * @param timedOut whether the drafter only took too long (slow under load, not broken)
     */
    public DrafterException(String message, boolean timedOut) {
        super(message);
        this.timedOut = timedOut;
    }

    /** Whether the drafter only took too long to answer, rather than refusing or failing. */
    public boolean timedOut() {
        return timedOut;
    }
}
