package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;
import dev.specula.engine.gguf.GgufValueType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The llama.cpp {@code tokenizer.ggml.*} keys and the conversions both tokenizers use to read and write them. */
final class TokenizerGguf {

    static final String MODEL = "tokenizer.ggml.model";
    static final String PRE = "tokenizer.ggml.pre";
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String MERGES = "tokenizer.ggml.merges";
    static final String BOS_ID = "tokenizer.ggml.bos_token_id";
    static final String EOS_ID = "tokenizer.ggml.eos_token_id";
    static final String UNKNOWN_ID = "tokenizer.ggml.unknown_token_id";
    static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** Stands in for the file in error messages when the caller has none. */
    static final Path NO_FILE = Path.of("<GGUF metadata>");

    private TokenizerGguf() {
    }

    /**
     * Runs {@code read}, turning the {@link IllegalArgumentException}s and missing-key errors of
     * {@link GgufMetadata} and of the tokenizer constructors into a {@link ModelFormatException} naming the file.
     */
    static <T> T reading(Path file, String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException | java.util.NoSuchElementException | ClassCastException e) {
            throw new ModelFormatException(file, what + ": " + e.getMessage(), e);
        }
    }

    /** Checks that {@code tokenizer.ggml.model} is {@code expected}. */
    static void requireModel(GgufMetadata metadata, String expected, Path file) {
        String model = reading(file, "tokenizer", () -> metadata.getString(MODEL));
        if (!model.equals(expected)) {
            throw new ModelFormatException(file, MODEL + " is \"" + model + "\" (expected: \"" + expected + "\")");
        }
    }

    /** {@code tokenizer.ggml.token_type}, or {@code null} when the key is absent. */
    static TokenType[] readTypes(GgufMetadata metadata) {
        if (!metadata.contains(TOKEN_TYPE)) {
            return null;
        }
        int[] ids = metadata.getIntArray(TOKEN_TYPE);
        TokenType[] types = new TokenType[ids.length];
        for (int i = 0; i < ids.length; i++) {
            try {
                types[i] = TokenType.byId(ids[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(TOKEN_TYPE + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return types;
    }

    /** The boolean {@code key}, or {@code defaultValue} when the key is absent. */
    static boolean readFlag(GgufMetadata metadata, String key, boolean defaultValue) {
        return metadata.contains(key) ? metadata.getBoolean(key) : defaultValue;
    }

    /**
     * Checks that the per-token array {@code key} has one entry per token.
     *
     * @throws IllegalArgumentException naming both keys and both lengths when it has not
     */
    static void requireOnePerToken(String key, int length, int tokens) {
        if (length != tokens) {
            throw new IllegalArgumentException(key + " has " + length + " entries but " + TOKENS + " has "
                    + tokens + " (expected: one per token)");
        }
    }

    static GgufValue bool(boolean value) {
        return new GgufValue(GgufValueType.BOOL, value);
    }

    static GgufValue string(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    static GgufValue uint32(int id) {
        return new GgufValue(GgufValueType.UINT32, id);
    }

    static GgufValue stringArray(List<String> strings) {
        return new GgufValue(GgufValueType.ARRAY,
                new GgufValue.GgufArray(GgufValueType.STRING, new ArrayList<>(strings)));
    }

    static GgufValue floatArray(float[] values) {
        List<Object> boxed = new ArrayList<>(values.length);
        for (float v : values) {
            boxed.add(v);
        }
        return new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.FLOAT32, boxed));
    }

    static GgufValue typeArray(TokenType[] types) {
        List<Object> boxed = new ArrayList<>(types.length);
        for (TokenType t : types) {
            boxed.add(t.id());
        }
        return new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.INT32, boxed));
    }
}
