package dev.specula.train.tokenizer;

import dev.specula.engine.tokenizer.Gpt2ByteLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The BPE merge loop over a fixed set of distinct words with frequencies. Each word is an array of symbol
 * ids (0..255 are the bytes, later ids the merge results). Pair counts are kept per pair together with the
 * words the pair occurs in, so a merge only rewrites those words and only adjusts the counts of pairs next
 * to a merge site; the most frequent pair comes from a priority queue whose stale entries are re-queued with
 * the live count when they surface.
 *
 * <p>Applying the merges by rank to a word (as {@code Gpt2BpeTokenizer} does) ends in exactly the
 * segmentation training left that word in, provided each piece is made by one merge only: then every pair
 * involving a symbol ranks after the merge that made it. Left-to-right merging within words seems never to
 * spell a piece twice (not seen on the corpus or on random words over a tiny alphabet), but the invariant
 * is cheap to enforce, so a merge whose result spells an existing piece (or a special token) is skipped.
 */
final class PairMerger {

    /** One adjacent symbol pair: its weighted count and the words it occurs in (possibly stale, no repeats in a row). */
    private static final class Pair {
        long count;
        int[] words = new int[4];
        int size;
        /** The merge step that last queued this pair's new count, so a step queues it once. */
        int touchedAtStep = -1;

        void addWord(int word) {
            if (size > 0 && words[size - 1] == word) {
                return;
            }
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = word;
        }
    }

    /** A queue entry: the pair's count when queued (a live count below it means the entry is stale). */
    private record Candidate(long key, long count) {
    }

    private final List<byte[]> symbolBytes = new ArrayList<>();
    /** Byte-level pieces of every symbol and special token, so no two tokens spell the same piece. */
    private final Set<String> takenPieces;
    private final int[][] words;
    private final int[] wordLength;
    private final long[] wordCount;
    /** The merge step that last rewrote each word, to visit a word once per step. */
    private final int[] visitedAtStep;
    private final Map<Long, Pair> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue;
    /** (left, right) symbol ids of each merge, in merge order; the result of merge i is symbol 256 + i. */
    private final List<int[]> merges = new ArrayList<>();
    private boolean[] siteScratch = new boolean[64];

    /**
     * @param words       each distinct word's UTF-8 bytes
     * @param counts      each word's frequency
     * @param takenPieces pieces merges must not produce (the special tokens'); extended as symbols are made
     */
    PairMerger(List<byte[]> words, long[] counts, Set<String> takenPieces) {
        this.takenPieces = takenPieces;
        for (int b = 0; b < 256; b++) {
            symbolBytes.add(new byte[]{(byte) b});
            takenPieces.add(String.valueOf(Gpt2ByteLevel.toChar((byte) b)));
        }
        int n = words.size();
        this.words = new int[n][];
        this.wordLength = new int[n];
        this.wordCount = counts.clone();
        this.visitedAtStep = new int[n];
        Arrays.fill(visitedAtStep, -1);
        for (int w = 0; w < n; w++) {
            byte[] bytes = words.get(w);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = bytes[i] & 0xFF;
            }
            this.words[w] = symbols;
            wordLength[w] = symbols.length;
            for (int i = 0; i + 1 < symbols.length; i++) {
                Pair pair = pairs.computeIfAbsent(key(symbols[i], symbols[i + 1]), k -> new Pair());
                pair.count += wordCount[w];
                pair.addWord(w);
            }
        }
        // Most frequent first; ties by the left then the right symbol's bytes, so the order never depends on ids.
        Comparator<Candidate> byCount = Comparator.comparingLong(Candidate::count).reversed();
        this.queue = new PriorityQueue<>(Math.max(1, pairs.size()), byCount
                .thenComparing((x, y) -> Arrays.compareUnsigned(bytes(left(x.key)), bytes(left(y.key))))
                .thenComparing((x, y) -> Arrays.compareUnsigned(bytes(right(x.key)), bytes(right(y.key)))));
        pairs.forEach((key, pair) -> queue.add(new Candidate(key, pair.count)));
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key;
    }

    /** The bytes symbol {@code id} stands for (not a copy). */
    byte[] bytes(int id) {
        return symbolBytes.get(id);
    }

    /** The merges made so far as (left, right) symbol ids. */
    List<int[]> merges() {
        return merges;
    }

    /** Word {@code w}'s current symbols. */
    int[] symbols(int w) {
        return Arrays.copyOf(words[w], wordLength[w]);
    }

    /**
     * Merges the most frequent pair until {@code maxMerges} merges are made or no pair occurs
     * {@code minFrequency} times.
     */
    void run(int maxMerges, long minFrequency) {
        while (merges.size() < maxMerges) {
            Candidate top = queue.poll();
            if (top == null) {
                return;
            }
            Pair pair = pairs.get(top.key);
            if (pair == null) {
                continue;
            }
            if (pair.count != top.count) {
                queue.add(new Candidate(top.key, pair.count));
                continue;
            }
            if (top.count < minFrequency) {
                return;
            }
            int a = left(top.key);
            int b = right(top.key);
            byte[] merged = new byte[bytes(a).length + bytes(b).length];
            System.arraycopy(bytes(a), 0, merged, 0, bytes(a).length);
            System.arraycopy(bytes(b), 0, merged, bytes(a).length, bytes(b).length);
            if (!takenPieces.add(Gpt2ByteLevel.encode(merged))) {
                // Dropped for good: its count can only fall from here, so it would never be wanted again.
                pairs.remove(top.key);
                continue;
            }
            int c = symbolBytes.size();
            symbolBytes.add(merged);
            merges.add(new int[]{a, b});
            apply(a, b, c, pair);
        }
    }

    private void apply(int a, int b, int c, Pair merged) {
        int step = merges.size() - 1;
        List<Long> touched = new ArrayList<>();
        for (int i = 0; i < merged.size; i++) {
            int w = merged.words[i];
            if (visitedAtStep[w] != step) {
                visitedAtStep[w] = step;
                rewrite(w, a, b, c, step, touched);
            }
        }
        pairs.remove(key(a, b));
        for (long key : touched) {
            Pair pair = pairs.get(key);
            queue.add(new Candidate(key, pair.count));
        }
    }

    /** Replaces every non-overlapping (a, b) in word {@code w}, left to right, by {@code c}, updating counts. */
    private void rewrite(int w, int a, int b, int c, int step, List<Long> touched) {
        int[] s = words[w];
        int n = wordLength[w];
        if (siteScratch.length < n) {
            siteScratch = new boolean[Math.max(n, siteScratch.length * 2)];
        }
        boolean[] inSite = siteScratch;
        boolean found = false;
        for (int i = 0; i < n; i++) {
            inSite[i] = false;
        }
        for (int i = 0; i + 1 < n; i++) {
            if (s[i] == a && s[i + 1] == b) {
                inSite[i] = true;
                inSite[i + 1] = true;
                found = true;
                i++;
            }
        }
        if (!found) {
            return; // a stale entry in the pair's word list
        }
        long k = wordCount[w];
        // Every old pair touching a merge site disappears; all others survive unchanged.
        for (int i = 0; i + 1 < n; i++) {
            if (inSite[i] || inSite[i + 1]) {
                long key = key(s[i], s[i + 1]);
                Pair pair = pairs.get(key);
                if (pair == null) {
                    continue; // a pair dropped because its piece was taken
                }
                pair.count -= k;
                if (pair.count == 0 && key != key(a, b)) {
                    pairs.remove(key);
                }
            }
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (inSite[i]) {
                s[m++] = c;
                i++;
            } else {
                s[m++] = s[i];
            }
        }
        wordLength[w] = m;
        // Every new pair holds c, which did not exist before this step.
        for (int j = 0; j + 1 < m; j++) {
            if (s[j] == c || s[j + 1] == c) {
                long key = key(s[j], s[j + 1]);
                Pair pair = pairs.computeIfAbsent(key, x -> new Pair());
                pair.count += k;
                pair.addWord(w);
                if (pair.touchedAtStep != step) {
                    pair.touchedAtStep = step;
                    touched.add(key);
                }
            }
        }
    }
}
