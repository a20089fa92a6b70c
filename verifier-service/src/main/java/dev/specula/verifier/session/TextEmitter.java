package dev.specula.verifier.session;

import dev.specula.engine.generate.Utf8Stream;
import dev.specula.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns committed tokens into what may be sent: UTF-8-safe text with stop sequences cut off. Text that might
 * be the beginning of a stop sequence is held back (with the tokens that produced it) until it is known not to
 * be; when a stop sequence appears, only the text and the tokens before it are released and the emitter is
 * {@link #stopped()}. Nothing is released twice.
 */
public final class TextEmitter {

    /** What one call released: token ids and their text (either may be empty). */
    public record Release(int[] tokenIds, String text) {

        public Release {
            tokenIds = tokenIds.clone();
        }

        @Override
        public int[] tokenIds() {
            return tokenIds.clone();
        }

        /** Whether nothing was released. */
        public boolean isEmpty() {
            return tokenIds.length == 0 && text.isEmpty();
        }
    }

    private final Tokenizer tokenizer;
    private final List<String> stop;
    private final Utf8Stream utf8 = new Utf8Stream();
    /** Text decoded but not yet released. */
    private final StringBuilder held = new StringBuilder();
    /** Tokens not yet released, in order. */
    private final List<Integer> heldTokens = new ArrayList<>();
    /** For each held token, where its text ends in {@link #held}; -1 while its bytes are still in utf8. */
    private final List<Integer> heldEnds = new ArrayList<>();
    private final List<Integer> outTokens = new ArrayList<>();
    private final StringBuilder outText = new StringBuilder();
    private boolean stopped;
    private int releasedTokens;

    /** @param stop stop sequences, not empty strings */
    public TextEmitter(Tokenizer tokenizer, List<String> stop) {
        this.tokenizer = tokenizer;
        this.stop = List.copyOf(stop);
    }

    /** Adds one committed token; what it releases is collected until {@link #drain()}. */
    public void push(int token) {
        if (stopped) {
            throw new IllegalStateException("push after a stop sequence");
        }
        heldTokens.add(token);
        heldEnds.add(-1);
        String delta = utf8.push(tokenizer.tokenBytes(token));
        if (delta.isEmpty()) {
            return; // an unfinished character: its token waits for the one that completes it
        }
        held.append(delta);
        for (int i = heldEnds.size() - 1; i >= 0 && heldEnds.get(i) < 0; i--) {
            heldEnds.set(i, held.length());
        }
        int at = firstStop();
        if (at >= 0) {
            release(at);
            stopped = true;
            held.setLength(0);
            heldTokens.clear();
            heldEnds.clear();
            return;
        }
        release(held.length() - longestStopPrefixSuffix());
    }

    /**
     * Releases everything still held (the generation ended without a stop sequence): unfinished characters
     * become U+FFFD, as a whole decode would.
     */
    public void finish() {
        if (stopped) {
            return;
        }
        held.append(utf8.flush());
        for (int i = 0; i < heldEnds.size(); i++) {
            heldEnds.set(i, held.length());
        }
        release(held.length());
    }

    /** What was released since the last drain. */
    public Release drain() {
        int[] ids = outTokens.stream().mapToInt(Integer::intValue).toArray();
        Release r = new Release(ids, outText.toString());
        outTokens.clear();
        outText.setLength(0);
        return r;
    }

    /** Whether a stop sequence was found. */
    public boolean stopped() {
        return stopped;
    }

    /** Tokens released so far, drained or not. */
    public int releasedTokens() {
        return releasedTokens;
    }

    /** Releases the first {@code chars} of the held text and every token whose text ends within them. */
    private void release(int chars) {
        outText.append(held, 0, chars);
        held.delete(0, chars);
        int n = 0;
        while (n < heldTokens.size() && heldEnds.get(n) >= 0 && heldEnds.get(n) <= chars) {
            n++;
        }
        for (int i = 0; i < n; i++) {
            outTokens.add(heldTokens.get(i));
        }
        releasedTokens += n;
        heldTokens.subList(0, n).clear();
        heldEnds.subList(0, n).clear();
        for (int i = 0; i < heldEnds.size(); i++) {
            if (heldEnds.get(i) >= 0) {
                heldEnds.set(i, heldEnds.get(i) - chars);
            }
        }
    }

    /** Where the earliest stop sequence starts in the held text, or -1. */
    private int firstStop() {
        int best = -1;
        for (String s : stop) {
            int at = held.indexOf(s);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** The length of the longest suffix of the held text that is a proper prefix of a stop sequence. */
    private int longestStopPrefixSuffix() {
        String text = held.toString();
        int best = 0;
        for (String s : stop) {
            for (int len = Math.min(s.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "TextEmitter{held=" + held + ", tokens=" + Arrays.toString(heldTokens.toArray()) + "}";
    }
}
