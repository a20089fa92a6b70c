package dev.specula.rpc;

/**
 * Every limit and default of the {@code specula.v1} contract, in one place: the services check requests
 * against these through {@link RequestRules}, and size what depends on them (the largest verification block)
 * from them.
 */
public final class ProtocolLimits {

    /** The longest block a drafter may propose: {@code Speculation.max_draft_length} is in [1, 16]. */
    public static final int MAX_DRAFT_LENGTH = 16;
    /** The starting draft length of a request that names none and has no learned one. */
    public static final int DEFAULT_DRAFT_LENGTH = 4;
    /** {@code Speculation.max_draft_length} when absent. */
    public static final int DEFAULT_MAX_DRAFT_LENGTH = 8;
    /** Stop sequences one request may carry. */
    public static final int MAX_STOP_SEQUENCES = 8;
    /** Bytes one stop sequence may have. */
    public static final int MAX_STOP_BYTES = 64;
    /** The largest {@code max_tokens} accepted before the model's context is known. */
    public static final int MAX_TOKENS = 1_000_000;
    /**
     * Bytes a name-like field may have: language, domain, drafter, model, session and drafter ids, targets.
     * Such values end up in summaries, logs and (when configured) routing keys, so none may be large.
     */
    public static final int MAX_NAME_BYTES = 256;
    /** Characters of any client-supplied text that a log line or an error message repeats. */
    public static final int MAX_QUOTED_CHARS = 80;
    /** The largest vocabulary whose complete draft distributions still fit one message (Gemma's 262,144). */
    public static final int MAX_VOCABULARY = 262_144;
    /**
     * Bytes one message between services may have (every server's and channel's {@code maxInboundMessageSize}):
     * a DraftBlock of {@link #MAX_DRAFT_LENGTH} distributions over the whole of {@link #MAX_VOCABULARY}, each entry
     * a varint id (at most 4 bytes) and a float, plus 1 MiB for the rest (a prompt's tokens, text).
     */
    public static final int MAX_INTERNAL_MESSAGE_BYTES = MAX_DRAFT_LENGTH * MAX_VOCABULARY * (4 + 4) + (1 << 20);
    /**
     * Bytes one request to the router's public gRPC port may have: a prompt and its stop sequences; four times
     * the HTTP API's default body limit, since a JSON body escapes what protobuf carries raw.
     */
    public static final int MAX_PUBLIC_MESSAGE_BYTES = 4 << 20;

    private ProtocolLimits() {
    }

    /** The most positions one verification pass holds: the last committed token plus the longest block. */
    public static int maxVerificationRows() {
        return MAX_DRAFT_LENGTH + 1;
    }
}
