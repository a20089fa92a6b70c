package dev.specula.rpc.security;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Bearer-token authentication of the public API (router YAML section {@code auth:}).
 *
 * @param tokensFile the file of accepted tokens, see {@link BearerTokens}; read again when it changes
 */
public record AuthConfig(Path tokensFile) {

    public AuthConfig {
        Objects.requireNonNull(tokensFile, "tokensFile: absent (expected: a file of bearer tokens)");
    }

    /** The {@code auth:} section as written, absent keys null. */
    public record Fields(String tokensFile) {

        /** The configuration, {@code tokensFile} resolved against {@code dir}; errors start with {@code key}. */
        public AuthConfig toConfig(String key, Path dir) {
            if (tokensFile == null) {
                throw new IllegalArgumentException(key + ".tokensFile: absent (expected: a file of bearer tokens)");
            }
            return new AuthConfig(dir.resolve(tokensFile));
        }
    }
}
