package dev.specula.engine.generate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of successive tokens into text without ever splitting a multi-byte character: bytes of an
 * unfinished character wait for the next token. Invalid sequences decode to U+FFFD, as a whole string would.
 */
public final class Utf8Stream {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Appends {@code bytes} and returns the text that is now complete (possibly empty). */
    public String push(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is left, unfinished characters as U+FFFD. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Length of the longest prefix that does not end inside a character that later bytes could complete. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // A character is at most 4 bytes, so only the last 3 bytes can belong to an unfinished one.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xFF;
            if ((lead & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead byte
            }
            int length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
            return length > back ? n - back : n;
        }
        return n;
    }
}
