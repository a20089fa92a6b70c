package dev.specula.engine.tokenizer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short digest of a tokenizer's vocabulary: two models speculate together only when every token id means
 * the same bytes to both. Covers the size, the BOS and EOS ids, and each token's bytes and type.
 */
public final class VocabularyFingerprint {

    private VocabularyFingerprint() {
    }

    /** {@code "sha256:"} and the first 16 bytes of the digest, in hex. */
    public static String of(Tokenizer tokenizer) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
        ByteBuffer header = ByteBuffer.allocate(12).putInt(tokenizer.vocabSize()).putInt(tokenizer.bosId())
                .putInt(tokenizer.eosId());
        digest.update(header.array());
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            byte[] bytes = tokenizer.piece(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(8).putInt(bytes.length).putInt(tokenizer.tokenType(id).ordinal()).array());
            digest.update(bytes);
        }
        byte[] hash = digest.digest();
        return "sha256:" + HexFormat.of().formatHex(hash, 0, 16);
    }
}
