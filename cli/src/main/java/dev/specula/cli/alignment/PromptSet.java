package dev.specula.cli.alignment;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One language's prompts, cut once from its held-out text with the target's tokenizer and given to every
 * drafter, so that drafters are compared on the same inputs.
 *
 * @param language the language code
 * @param prompts  each BOS followed by a window of held-out tokens
 */
public record PromptSet(String language, List<int[]> prompts) {

    public PromptSet {
        prompts = prompts.stream().map(int[]::clone).toList();
    }

    /** Cuts {@code count} prompts of {@code length} tokens (plus BOS) from {@code heldOutTokens}. */
    public static PromptSet cut(String language, int[] heldOutTokens, int bos, int count, int length) {
        return new PromptSet(language, TokenWindows.evenlySpaced(heldOutTokens, count, length).stream()
                .map(window -> TokenWindows.withBos(bos, window)).toList());
    }

    /** The first 12 hex digits of the SHA-256 of every prompt's tokens: equal digests, equal prompts. */
    public String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int[] prompt : prompts) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * (prompt.length + 1)).putInt(prompt.length);
                for (int token : prompt) {
                    bytes.putInt(token);
                }
                sha.update(bytes.array());
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
