package dev.specula.engine.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Byte-level BPE on token ids instead of strings: the merge rules as (left id, right id) → (rank, merged id),
 * and every byte's token. It gives the same tokens as merging strings by rank (lowest rank first, leftmost on
 * ties), several times faster, and applies when every byte and every part and result of every merge is a
 * token; {@link #of} says when not.
 *
 * <p>The rules are stored by left id, each row sorted by right id (compressed sparse rows), so a lookup is a
 * binary search over the few rules of one left token, without hashing or boxing.
 */
final class MergeTable {

    /** Rules of left id {@code l} are at indices {@code rowStart[l] .. rowStart[l + 1] - 1}. */
    private final int[] rowStart; // [vocabSize + 1]
    private final int[] right;    // [rules], ascending within a row
    private final int[] rank;     // [rules]
    private final int[] merged;   // [rules]
    /** Byte value → its token. */
    private final int[] byteTokens;

    private MergeTable(int[] rowStart, int[] right, int[] rank, int[] merged, int[] byteTokens) {
        this.rowStart = rowStart;
        this.right = right;
        this.rank = rank;
        this.merged = merged;
        this.byteTokens = byteTokens;
    }

    /** The table of {@code mergeRules} (validated "left right" strings in rank order), or null when it does not apply. */
    static MergeTable of(Vocabulary vocab, List<String> mergeRules) {
        int[] byteTokens = new int[256];
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.findText(String.valueOf(Gpt2ByteLevel.toChar((byte) b)));
            if (byteTokens[b] < 0) {
                return null;
            }
        }
        int n = mergeRules.size();
        int[] lefts = new int[n];
        int[] rights = new int[n];
        int[] results = new int[n];
        int[] rowStart = new int[vocab.size() + 1];
        for (int r = 0; r < n; r++) {
            String rule = mergeRules.get(r);
            int space = rule.indexOf(' ');
            lefts[r] = vocab.findText(rule.substring(0, space));
            rights[r] = vocab.findText(rule.substring(space + 1));
            results[r] = vocab.findText(rule.substring(0, space) + rule.substring(space + 1));
            if (lefts[r] < 0 || rights[r] < 0 || results[r] < 0) {
                return null;
            }
            rowStart[lefts[r] + 1]++;
        }
        for (int l = 0; l < vocab.size(); l++) {
            rowStart[l + 1] += rowStart[l];
        }
        // Each row as (right << 32 | rank), sorted: by right, and a repeated pair keeps its lowest rank first.
        long[] keys = new long[n];
        int[] fill = Arrays.copyOf(rowStart, vocab.size());
        for (int r = 0; r < n; r++) {
            keys[fill[lefts[r]]++] = (long) rights[r] << 32 | r;
        }
        int[] right = new int[n];
        int[] rank = new int[n];
        int[] merged = new int[n];
        int[] compactStart = new int[vocab.size() + 1];
        int at = 0;
        for (int l = 0; l < vocab.size(); l++) {
            Arrays.sort(keys, rowStart[l], rowStart[l + 1]);
            compactStart[l] = at;
            for (int i = rowStart[l]; i < rowStart[l + 1]; i++) {
                int rightId = (int) (keys[i] >>> 32);
                if (at > compactStart[l] && right[at - 1] == rightId) {
                    continue; // a repeated rule: the first (lowest) rank counts
                }
                right[at] = rightId;
                rank[at] = (int) keys[i];
                merged[at] = results[rank[at]];
                at++;
            }
        }
        compactStart[vocab.size()] = at;
        return new MergeTable(compactStart, right, rank, merged, byteTokens);
    }

    /** The index of the rule merging {@code left} with {@code rightId}, or a negative number when there is none. */
    private int find(int left, int rightId) {
        return Arrays.binarySearch(right, rowStart[left], rowStart[left + 1], rightId);
    }

    /** Words up to this many bytes are merged by scanning for the best pair, longer ones through a heap. */
    private static final int SCAN_LIMIT = 48;

    /** The tokens of one word given as its UTF-8 bytes. */
    int[] merge(byte[] word) {
        int n = word.length;
        int[] token = new int[n];
        for (int i = 0; i < n; i++) {
            token[i] = byteTokens[word[i] & 0xFF];
        }
        return n <= SCAN_LIMIT ? mergeByScan(token) : mergeByHeap(token);
    }

    /**
     * Merges the lowest-ranked adjacent pair (the leftmost on ties) until none has a rule, scanning the
     * symbols each time: O(n²), but without the heap's allocations, faster for the short words that
     * most words are.
     */
    private int[] mergeByScan(int[] token) {
        int n = token.length;
        int[] pairRule = new int[n]; // rule of (symbol i, symbol i + 1), or -1; symbols are packed left
        for (int i = 0; i + 1 < n; i++) {
            pairRule[i] = find(token[i], token[i + 1]);
        }
        while (n > 1) {
            int best = -1;
            for (int i = 0; i + 1 < n; i++) {
                if (pairRule[i] >= 0 && (best < 0 || rank[pairRule[i]] < rank[pairRule[best]])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            token[best] = merged[pairRule[best]];
            System.arraycopy(token, best + 2, token, best + 1, n - best - 2);
            System.arraycopy(pairRule, best + 2, pairRule, best + 1, n - best - 2);
            n--;
            if (best + 1 < n) {
                pairRule[best] = find(token[best], token[best + 1]);
            }
            if (best > 0) {
                pairRule[best - 1] = find(token[best - 1], token[best]);
            }
        }
        return Arrays.copyOf(token, n);
    }

    /** The same merges with a heap of candidate pairs: O(n log n), for long words. */
    private int[] mergeByHeap(int[] token) {
        int n = token.length;
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // (rank << 32 | left position): lowest rank first, then the leftmost.
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, token, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long entry = queue.poll();
            int left = (int) entry;
            int rightPos = token[left] >= 0 ? next[left] : -1;
            int rule = rightPos >= 0 ? find(token[left], token[rightPos]) : -1;
            // Stale when a side was merged since: ranks are unique per pair, so an equal rank is the same pair.
            if (rule < 0 || rank[rule] != (int) (entry >>> 32)) {
                continue;
            }
            token[left] = merged[rule];
            token[rightPos] = -1;
            next[left] = next[rightPos];
            if (next[left] >= 0) {
                prev[next[left]] = left;
                offer(queue, token, left, next[left]);
            }
            if (prev[left] >= 0) {
                offer(queue, token, prev[left], left);
            }
        }
        TokenBuffer out = new TokenBuffer(n);
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            out.add(token[i]);
        }
        return out.toArray();
    }

    private void offer(PriorityQueue<Long> queue, int[] token, int left, int rightPos) {
        int rule = find(token[left], token[rightPos]);
        if (rule >= 0) {
            queue.add((long) rank[rule] << 32 | left);
        }
    }
}
