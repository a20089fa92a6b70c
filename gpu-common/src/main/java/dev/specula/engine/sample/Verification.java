package dev.specula.engine.sample;

import java.util.Arrays;

/**
 * The outcome of verifying one drafted block: the accepted draft prefix and the one token the target adds.
 *
 * @param accepted  how many draft tokens were accepted (a prefix of the block), {@code >= 0}
 * @param committed the tokens to append to the sequence: the {@code accepted} draft tokens, then one recovered
 *                  token (sampled after a rejection) or bonus token (sampled after a fully accepted block);
 *                  so {@code accepted + 1} tokens, each {@code >= 0}
 * @param bonus     whether the last committed token is a bonus token, i.e. every draft token was accepted
 */
public record Verification(int accepted, int[] committed, boolean bonus) {

    public Verification {
        if (accepted < 0) {
            throw new IllegalArgumentException("accepted: " + accepted + " (expected: >= 0)");
        }
        if (committed.length != accepted + 1) {
            throw new IllegalArgumentException("committed: " + committed.length + " tokens (expected: accepted + 1 = "
                    + (accepted + 1) + ")");
        }
        committed = committed.clone();
        for (int i = 0; i < committed.length; i++) {
            if (committed[i] < 0) {
                throw new IllegalArgumentException("committed[" + i + "]: " + committed[i] + " (expected: >= 0)");
            }
        }
    }

    /** The token the target added after the accepted prefix: the recovered token, or the bonus token. */
    public int nextToken() {
        return committed[accepted];
    }

    /** Number of committed tokens, {@code accepted + 1}. */
    public int committedCount() {
        return committed.length;
    }

    @Override
    public int[] committed() {
        return committed.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verification v && accepted == v.accepted && bonus == v.bonus
                && Arrays.equals(committed, v.committed);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * accepted + Boolean.hashCode(bonus)) + Arrays.hashCode(committed);
    }

    @Override
    public String toString() {
        return "Verification{accepted=" + accepted + ", committed=" + Arrays.toString(committed)
                + (bonus ? ", bonus}" : ", recovered}");
    }
}
