package dev.specula.engine.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finds special tokens written out in text, as llama.cpp's {@code tokenizer_st_partition} does before
 * tokenizing: control, user-defined and unknown tokens, longest first, each split out of the text wherever
 * it occurs. User-defined tokens are always split out; control and unknown tokens only when the caller
 * parses special tokens (llama.cpp's {@code parse_special}).
 */
final class SpecialTokens {

    /** A piece of the partitioned text: either raw text to tokenize or one special token. */
    record Fragment(String text, int token) {

        static Fragment text(String text) {
            return new Fragment(text, -1);
        }

        static Fragment token(int token) {
            return new Fragment(null, token);
        }

        boolean isToken() {
            return token >= 0;
        }
    }

    /** The candidate ids, longest text first (ties in id order). */
    private final int[] ids;
    private final String[] texts;
    private final boolean[] alwaysSplit;

    SpecialTokens(Vocabulary vocab) {
        List<Integer> candidates = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            TokenType type = vocab.type(id);
            boolean special = type == TokenType.CONTROL || type == TokenType.USER_DEFINED
                    || type == TokenType.UNKNOWN;
            if (special && !vocab.piece(id).isEmpty()) {
                candidates.add(id);
            }
        }
        candidates.sort(Comparator.comparingInt((Integer id) -> -vocab.piece(id).length())
                .thenComparingInt(id -> id));
        this.ids = candidates.stream().mapToInt(Integer::intValue).toArray();
        this.texts = Arrays.stream(ids).mapToObj(vocab::piece).toArray(String[]::new);
        this.alwaysSplit = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            alwaysSplit[i] = vocab.type(ids[i]) == TokenType.USER_DEFINED;
        }
    }

    /**
     * {@code text} split into raw-text fragments and special tokens, in order; empty text gives no fragments.
     *
     * @param parseSpecial whether control and unknown tokens are recognised too (user-defined ones always are)
     */
    List<Fragment> partition(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(text));
        for (int k = 0; k < ids.length; k++) {
            if ((parseSpecial || alwaysSplit[k]) && occursIn(fragments, texts[k])) {
                fragments = splitOut(fragments, texts[k], ids[k]);
            }
        }
        return fragments;
    }

    private static boolean occursIn(List<Fragment> fragments, String special) {
        for (Fragment f : fragments) {
            if (!f.isToken() && f.text().contains(special)) {
                return true;
            }
        }
        return false;
    }

    private static List<Fragment> splitOut(List<Fragment> fragments, String special, int id) {
        List<Fragment> out = new ArrayList<>(fragments.size() + 2);
        for (Fragment f : fragments) {
            if (f.isToken()) {
                out.add(f);
                continue;
            }
            String text = f.text();
            int from = 0;
            for (int at = text.indexOf(special); at >= 0; at = text.indexOf(special, from)) {
                if (at > from) {
                    out.add(Fragment.text(text.substring(from, at)));
                }
                out.add(Fragment.token(id));
                from = at + special.length();
            }
            if (from < text.length()) {
                out.add(Fragment.text(text.substring(from)));
            }
        }
        return out;
    }
}
