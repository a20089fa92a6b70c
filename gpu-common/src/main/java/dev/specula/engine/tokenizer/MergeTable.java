package dev.specula.engine.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE on token ids instead of strings: the merge rules as (left id, right id) → (rank, merged id),
 * and every byte's token. It gives the same tokens as merging strings by rank (lowest rank first, leftmost on
 * ties), several times faster, and applies when every byte and every part and result of every merge is a
 * token; {@link #of} says when not.
 */
final class MergeTable {

    /** {@link #pair}(left id, right id) → (rank << 32 | merged id). */
    private final Map<Long, Long> merges;
    /** Byte value → its token. */
    private final int[] byteTokens;

    private MergeTable(Map<Long, Long> merges, int[] byteTokens) {
        this.merges = merges;
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
        Map<Long, Long> merges = HashMap.newHashMap(mergeRules.size());
        for (int rank = 0; rank < mergeRules.size(); rank++) {
            String rule = mergeRules.get(rank);
            int space = rule.indexOf(' ');
            int left = vocab.findText(rule.substring(0, space));
            int right = vocab.findText(rule.substring(space + 1));
            int merged = vocab.findText(rule.substring(0, space) + rule.substring(space + 1));
            if (left < 0 || right < 0 || merged < 0) {
                return null;
            }
            merges.putIfAbsent(pair(left, right), (long) rank << 32 | merged);
        }
        return new MergeTable(merges, byteTokens);
    }

    /**
     * A key unique to the pair: (left << 32 | right) times an odd constant, which is one-to-one on longs and
     * spreads the bits, since Long.hashCode (left ^ right) would put many pairs in one bucket.
     */
    private static long pair(int left, int right) {
        return ((long) left << 32 | right) * 0x9E3779B97F4A7C15L;
    }

    /** The tokens of one word given as its UTF-8 bytes. */
    int[] merge(byte[] word) {
        int n = word.length;
        int[] token = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            token[i] = byteTokens[word[i] & 0xFF];
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
            int right = left >= 0 && token[left] >= 0 ? next[left] : -1;
            Long current = right >= 0 ? merges.get(pair(token[left], token[right])) : null;
            // Stale when a side was merged since: ranks are unique per pair, so an equal rank is the same pair.
            if (current == null || (current >>> 32) != (entry >>> 32)) {
                continue;
            }
            token[left] = (int) (long) current;
            token[right] = -1;
            next[left] = next[right];
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

    private void offer(PriorityQueue<Long> queue, int[] token, int left, int right) {
        Long merge = merges.get(pair(token[left], token[right]));
        if (merge != null) {
            queue.add((merge >>> 32) << 32 | left);
        }
    }
}
