package dev.specula.drafter;

import java.util.Arrays;

/** A growable sequence of token ids that can be cut back: the sequence a drafting session assumes. */
final class TokenSequence {

    private int[] tokens = new int[64];
    private int size;

    int size() {
        return size;
    }

    int get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index: " + index + " (expected: in [0, " + size + "))");
        }
        return tokens[index];
    }

    void add(int token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
    }

    void addAll(int[] more) {
        for (int token : more) {
            add(token);
        }
    }

    /** Keeps the first {@code length} tokens. */
    void truncate(int length) {
        if (length < 0 || length > size) {
            throw new IllegalArgumentException("length: " + length + " (expected: in [0, " + size + "])");
        }
        size = length;
    }

    /** A copy of the tokens in {@code [from, to)}. */
    int[] slice(int from, int to) {
        if (from < 0 || from > to || to > size) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size + " tokens");
        }
        return Arrays.copyOfRange(tokens, from, to);
    }
}
