package dev.specula.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece vocabulary that needs no training: unknown, BOS, EOS, the 256 byte pieces, then filler
 * pieces up to the requested size. Any text encodes through byte fallback; it serves random-weight models.
 */
public final class ByteVocabulary {

    /** Control and byte pieces: the smallest vocabulary this makes. */
    public static final int MIN_SIZE = 3 + 256;

    private ByteVocabulary() {
    }

    /** A tokenizer of exactly {@code size} pieces. */
    public static SentencePieceTokenizer tokenizer(int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("vocabulary size: " + size + " (expected: at least " + MIN_SIZE + ")");
        }
        List<String> pieces = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        TokenType[] types = new TokenType[size];
        types[0] = TokenType.UNKNOWN;
        types[1] = TokenType.CONTROL;
        types[2] = TokenType.CONTROL;
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
            types[3 + b] = TokenType.BYTE;
        }
        for (int i = MIN_SIZE; i < size; i++) {
            pieces.add("<unused" + i + ">");
            types[i] = TokenType.UNUSED;
        }
        return new SentencePieceTokenizer(pieces, new float[size], types, 1, 2, 0);
    }
}
