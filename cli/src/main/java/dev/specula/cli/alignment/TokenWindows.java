package dev.specula.cli.alignment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Deterministic windows cut from a tokenized text: {@code count} windows of {@code length} tokens, evenly
 * spaced from the first token to the last, so that the same text always gives the same windows. Windows do
 * not overlap when {@code count × length ≤ tokens}; a text shorter than one window gives one window of all of it.
 */
public final class TokenWindows {

    private TokenWindows() {
    }

    /** The windows; empty when {@code tokens} is. */
    public static List<int[]> evenlySpaced(int[] tokens, int count, int length) {
        if (count < 1 || length < 1) {
            throw new IllegalArgumentException("count/length: " + count + "/" + length + " (expected: both >= 1)");
        }
        List<int[]> windows = new ArrayList<>();
        if (tokens.length == 0) {
            return windows;
        }
        if (tokens.length <= length) {
            windows.add(tokens.clone());
            return windows;
        }
        int span = tokens.length - length; // last possible start
        for (int i = 0; i < count; i++) {
            int start = count == 1 ? 0 : (int) ((long) i * span / (count - 1));
            windows.add(Arrays.copyOfRange(tokens, start, start + length));
        }
        return windows;
    }

    /** {@code bos} followed by {@code window}: a prompt or a perplexity input. */
    public static int[] withBos(int bos, int[] window) {
        int[] out = new int[window.length + 1];
        out[0] = bos;
        System.arraycopy(window, 0, out, 1, window.length);
        return out;
    }
}
