package dev.specula.engine.tokenizer;

/**
 * The kind of a vocabulary entry, with the ids that GGUF's {@code tokenizer.ggml.token_type} uses (the same
 * as llama.cpp's {@code llama_token_type} and SentencePiece's piece types).
 */
public enum TokenType {
    /** Not set by the converter; treated like {@link #NORMAL}. */
    UNDEFINED(0),
    /** A piece of text that encode produces and decode writes out. */
    NORMAL(1),
    /** The unknown token, used for text that has no piece and no byte fallback. */
    UNKNOWN(2),
    /** A control token such as {@code <s>} or {@code </s>}: never produced by encode, decodes to nothing. */
    CONTROL(3),
    /** A piece added by the user; encoded and decoded like {@link #NORMAL}. */
    USER_DEFINED(4),
    /** A reserved slot that encode never produces and that decodes to nothing. */
    UNUSED(5),
    /** A byte-fallback piece {@code <0xNN>} that stands for the single byte NN. */
    BYTE(6);

    private final int id;

    TokenType(int id) {
        this.id = id;
    }

    /** The id stored in {@code tokenizer.ggml.token_type}. */
    public int id() {
        return id;
    }

    /** Whether encode may produce this token from text (normal and user-defined pieces). */
    public boolean isText() {
        return this == NORMAL || this == USER_DEFINED || this == UNDEFINED;
    }

    /**
     * The type with the given GGUF id.
     *
     * @throws IllegalArgumentException when {@code id} is not one of 0..6
     */
    public static TokenType byId(int id) {
        for (TokenType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("token type " + id + " (expected: 0..6, see llama_token_type)");
    }
}
