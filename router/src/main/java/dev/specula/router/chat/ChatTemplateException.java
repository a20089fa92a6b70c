package dev.specula.router.chat;

/**
 * A chat template refused a conversation ({@code raise_exception} in the template, such as "Conversation roles
 * must alternate"), or failed to render it. The message is the template's own or says what failed.
 */
public final class ChatTemplateException extends RuntimeException {

    /** @param message what the template said, or what went wrong */
    public ChatTemplateException(String message) {
        super(message);
    }
}
