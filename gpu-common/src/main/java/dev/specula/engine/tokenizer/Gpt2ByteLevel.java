package dev.specula.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's {@code bytes_to_unicode}: a fixed one-to-one map from the 256 byte values to printable characters,
 * so that byte-level BPE can work on strings. Printable Latin-1 bytes map to themselves; the others (control
 * characters, space, 0x7F..0xA0, 0xAD) map to U+0100 onwards in byte order, so a space is 'Ġ' (U+0120) and
 * a newline 'Ċ' (U+010A).
 */
public final class Gpt2ByteLevel {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by char; -1 where the char is not a byte-level char. */
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private Gpt2ByteLevel() {
    }

    /** The character that stands for byte {@code b}. */
    public static char toChar(byte b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not one of the 256 byte-level characters. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** {@code bytes} written as byte-level characters. */
    public static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = toChar(bytes[i]);
        }
        return new String(chars);
    }
}
