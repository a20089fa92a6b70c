package dev.specula.engine.tokenizer;

import dev.specula.engine.gguf.GgufValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns text into token ids and back. Implementations are immutable and safe to share between threads.
 *
 * <p>Decoding works on bytes, not on pieces: {@link #decode} concatenates the {@link #tokenBytes} of every
 * token and decodes the result as UTF-8 once, so a character split over several byte-fallback tokens comes
 * out whole. Bytes that are not valid UTF-8 (e.g. a sequence cut off at the end) become U+FFFD.
 *
 * <p>SentencePiece tokenizers prepend a dummy space to non-empty text ({@link #addsDummyPrefix()}), so
 * {@code decode(encode(s))} is {@code " " + s}; {@link #decodeText} removes that one space and gives back
 * {@code s}.
 */
public interface Tokenizer {

    /** The number of tokens in the vocabulary; valid ids are {@code 0 .. vocabSize() - 1}. */
    int vocabSize();

    /** The beginning-of-sequence token, which callers put in front of an encoded prompt. */
    int bosId();

    /** The end-of-sequence token, which ends generation. */
    int eosId();

    /**
     * The tokens of {@code text}, without BOS or EOS (callers add BOS themselves). User-defined tokens written
     * in the text are matched as single tokens, as llama.cpp does; control tokens are not: text such as
     * {@code "<s>"} is encoded as ordinary characters. Same as {@code encode(text, false)}.
     */
    default int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * The tokens of {@code text}, without BOS or EOS.
     *
     * @param parseSpecial whether control tokens written in the text (e.g. {@code <|begin_of_text|>}) are
     *                     matched as single tokens too (llama.cpp's {@code parse_special})
     */
    int[] encode(String text, boolean parseSpecial);

    /**
     * The tokens of {@code text} as llama.cpp's {@code llama_tokenize} gives them: with {@code addSpecial},
     * BOS in front when {@link #addsBos()} and EOS behind when {@link #addsEos()}.
     */
    default int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        int[] body = encode(text, parseSpecial);
        boolean bos = addSpecial && addsBos();
        boolean eos = addSpecial && addsEos();
        int[] out = new int[body.length + (bos ? 1 : 0) + (eos ? 1 : 0)];
        if (bos) {
            out[0] = bosId();
        }
        System.arraycopy(body, 0, out, bos ? 1 : 0, body.length);
        if (eos) {
            out[out.length - 1] = eosId();
        }
        return out;
    }

    /** Whether the model expects BOS in front of a text ({@code tokenizer.ggml.add_bos_token}). */
    boolean addsBos();

    /** Whether the model expects EOS after a text ({@code tokenizer.ggml.add_eos_token}). */
    boolean addsEos();

    /**
     * The raw bytes this token contributes to decoded text (a fresh array): the piece as UTF-8 with
     * SentencePiece's U+2581 turned back into a space, the single byte NN for a byte piece {@code <0xNN>},
     * the original bytes for GPT-2 byte-level characters, and nothing for control and unused tokens.
     *
     * @throws IndexOutOfBoundsException when {@code token} is not in the vocabulary
     */
    byte[] tokenBytes(int token);

    /** The vocabulary string of {@code token}, as stored (e.g. {@code "▁Hello"}, {@code "<0x0A>"}, {@code "Ġthe"}). */
    String piece(int token);

    /** The kind of {@code token}. */
    TokenType tokenType(int token);

    /** The id of the vocabulary entry whose string is {@code piece}, if any (the first one when repeated). */
    OptionalInt find(String piece);

    /** Whether {@link #encode} puts a space in front of non-empty text (SentencePiece's dummy prefix). */
    boolean addsDummyPrefix();

    /**
     * The standard llama.cpp {@code tokenizer.ggml.*} metadata for this vocabulary, in the order a GGUF
     * writer should store it; {@code Tokenizers.fromGguf} reads it back into an equal tokenizer.
     */
    Map<String, GgufValue> toGgufMetadata();

    /** The text of {@code tokens}: their {@link #tokenBytes} concatenated, then decoded as UTF-8 as a whole. */
    default String decode(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tokens.length * 4);
        for (int token : tokens) {
            out.writeBytes(tokenBytes(token));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Like {@link #decode} but without the dummy prefix: when {@link #addsDummyPrefix()} and the decoded text
     * starts with a space, that one space is removed, so {@code decodeText(encode(s)).equals(s)}. Use it for
     * a whole encoded text, not for a piece in the middle of a stream.
     */
    default String decodeText(int[] tokens) {
        String text = decode(tokens);
        return addsDummyPrefix() && text.startsWith(" ") ? text.substring(1) : text;
    }
}
