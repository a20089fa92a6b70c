package dev.specula.engine.tokenizer;

import java.util.Arrays;

/** A growable list of token ids, so that encoding does not box every id. Not thread-safe; one per call. */
final class TokenBuffer {

    private int[] ids;
    private int size;

    TokenBuffer(int capacity) {
        this.ids = new int[Math.max(capacity, 8)];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    void addAll(int[] more) {
        if (size + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
        }
        System.arraycopy(more, 0, ids, size, more.length);
        size += more.length;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
