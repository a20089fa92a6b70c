package dev.specula.verifier.drafter;

/** A drafter could not serve a session; the message says what happened, for the session summary. */
public final class DrafterException extends Exception {

    /** @param message what happened, in words ("refused the session: FAILED_PRECONDITION: ...") */
    public DrafterException(String message) {
        super(message);
    }
}
