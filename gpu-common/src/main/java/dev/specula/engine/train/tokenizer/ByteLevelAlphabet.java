package dev.specula.engine.train.tokenizer;

/**
 * GPT-2's {@code bytes_to_unicode}, the map from the 256 byte values to printable characters that byte-level
 * pieces are written in. The engine's own copy ({@code dev.specula.engine.tokenizer.Gpt2ByteLevel}) is
 * package-private there, so it is written again here; {@code ByteLevelAlphabetTest} checks the two agree
 * through the engine's public tokenizer.
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        // Printable Latin-1 bytes stand for themselves; the rest take U+0100 onwards, in byte order.
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + extra++);
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The character that stands for byte {@code b}. */
    static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** {@code bytes[from, to)} written as byte-level characters. */
    static String encode(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = toChar(bytes[i]);
        }
        return new String(chars);
    }

    /** {@code bytes} written as byte-level characters. */
    static String encode(byte[] bytes) {
        return encode(bytes, 0, bytes.length);
    }
}
