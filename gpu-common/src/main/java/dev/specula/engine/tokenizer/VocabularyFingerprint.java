package dev.specula.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * Digests of a tokenizer's vocabulary: two models speculate together only when every token id one may draft
 * means the same to both.
 *
 * <p>{@link #of} digests the whole vocabulary (size, BOS and EOS ids, each token's bytes and type): equal
 * strings mean identical vocabularies. {@link #tokenDigests} digests each token on its own, so that models of
 * one family whose vocabularies differ only in size (Qwen2.5-0.5B has 151,936 entries, -7B 152,064: padding
 * beyond the shorter) can be compared on the ids both have, and a mismatch named by its first id
 * ({@link #firstDifferingId}).
 */
public final class VocabularyFingerprint {

    /** Bytes per token in {@link #tokenDigests}. */
    public static final int TOKEN_DIGEST_BYTES = 4;

    private VocabularyFingerprint() {
    }

    /** {@code "sha256:"} and the first 16 bytes of the digest, in hex. */
    public static String of(Tokenizer tokenizer) {
        MessageDigest digest = sha256();
        ByteBuffer header = ByteBuffer.allocate(12).putInt(tokenizer.vocabSize()).putInt(tokenizer.bosId())
                .putInt(tokenizer.eosId());
        digest.update(header.array());
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            byte[] bytes = tokenizer.piece(id).getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(8).putInt(bytes.length).putInt(tokenizer.tokenType(id).ordinal()).array());
            digest.update(bytes);
        }
        byte[] hash = digest.digest();
        return "sha256:" + HexFormat.of().formatHex(hash, 0, 16);
    }

    /**
     * {@value #TOKEN_DIGEST_BYTES} bytes per token id, in id order: the first bytes of the SHA-256 of the
     * token's type and piece. Two different tokens get the same digest with probability 2^-32.
     */
    public static byte[] tokenDigests(Tokenizer tokenizer) {
        MessageDigest digest = sha256();
        byte[] out = new byte[tokenizer.vocabSize() * TOKEN_DIGEST_BYTES];
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            digest.update((byte) tokenizer.tokenType(id).ordinal());
            digest.update(tokenizer.piece(id).getBytes(StandardCharsets.UTF_8));
            System.arraycopy(digest.digest(), 0, out, id * TOKEN_DIGEST_BYTES, TOKEN_DIGEST_BYTES);
        }
        return out;
    }

    /**
     * The first id below both sizes whose token differs between the two {@link #tokenDigests}, or empty when
     * they agree on every id both have (ids beyond the shorter vocabulary are not compared). Reads the buffers
     * from their positions without moving them.
     *
     * @throws IllegalArgumentException when a buffer's length is not a whole number of token digests
     */
    public static OptionalInt firstDifferingId(ByteBuffer target, ByteBuffer drafter) {
        requireWhole("target", target);
        requireWhole("drafter", drafter);
        int mismatch = target.mismatch(drafter);
        int shared = Math.min(target.remaining(), drafter.remaining());
        return mismatch < 0 || mismatch >= shared ? OptionalInt.empty() : OptionalInt.of(mismatch / TOKEN_DIGEST_BYTES);
    }

    private static void requireWhole(String which, ByteBuffer digests) {
        if (digests.remaining() % TOKEN_DIGEST_BYTES != 0) {
            throw new IllegalArgumentException(which + " token digests: " + digests.remaining()
                    + " bytes (expected: " + TOKEN_DIGEST_BYTES + " per token)");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
