package dev.specula.rpc.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The TLS of one service, the same shape for router, verifier and drafter (YAML section {@code tls:}). The
 * service's server port presents {@code certFile}/{@code keyFile} and, unless {@code clientAuth} is NONE, asks
 * clients for a certificate that chains to {@code caFile}. Its outgoing hops (router to verifiers, verifier to
 * drafters) use the same files the other way round: they trust servers whose certificate chains to
 * {@code caFile} (and names the host dialled) and present {@code certFile}/{@code keyFile} as their client
 * certificate. Every file is read again every {@code refreshSeconds}, so renewed certificates take effect
 * without a restart. No {@code tls:} section means plaintext (loopback development).
 *
 * @param certFile       PEM certificate chain of this service, leaf first
 * @param keyFile        PEM private key (PKCS#8) of {@code certFile}
 * @param caFile         PEM bundle of the CA certificates peers must chain to; required unless
 *                       {@code clientAuth} is NONE on a service without outgoing hops (then null: the JDK's
 *                       default trust)
 * @param clientAuth     whether the server port asks for client certificates: NONE, OPTIONAL or REQUIRE
 * @param refreshSeconds how often the files are read again, >= 1; default 60
 */
public record TlsConfig(Path certFile, Path keyFile, Path caFile, ClientAuth clientAuth, long refreshSeconds) {

    /** {@link #refreshSeconds()} when the configuration names none. */
    public static final long DEFAULT_REFRESH_SECONDS = 60;

    /** Whether a server asks its clients for a certificate. */
    public enum ClientAuth {
        /** Never: any TLS client may connect (a public port). */
        NONE,
        /** A client may present one; if it does, it must chain to the CA. */
        OPTIONAL,
        /** Every client must present a certificate that chains to the CA (mutual TLS between services). */
        REQUIRE;

        /** Parses "none", "optional" or "require", naming {@code field} when it is none of them. */
        static ClientAuth parse(String field, String value) {
            for (ClientAuth mode : values()) {
                if (mode.name().equalsIgnoreCase(value)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(field + ": " + value + " (expected: none, optional or require)");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TlsConfig {
        requireFile("certFile", certFile);
        requireFile("keyFile", keyFile);
        if (clientAuth == null) {
            clientAuth = ClientAuth.NONE;
        }
        if (caFile != null) {
            requireFile("caFile", caFile);
        } else if (clientAuth != ClientAuth.NONE) {
            throw new IllegalArgumentException("caFile: absent (expected: the CA bundle client certificates must "
                    + "chain to, since clientAuth is " + clientAuth + ")");
        }
        if (refreshSeconds < 1) {
            throw new IllegalArgumentException("refreshSeconds: " + refreshSeconds + " (expected: >= 1)");
        }
    }

    private static void requireFile(String field, Path file) {
        if (file == null) {
            throw new IllegalArgumentException(field + ": absent (expected: a PEM file)");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(field + ": " + file + " cannot be read (expected: a PEM file)");
        }
    }

    /**
     * The {@code tls:} section as written in every service's YAML, absent keys null; bound by
     * {@link dev.specula.rpc.ConfigFiles}.
     */
    public record Fields(String certFile, String keyFile, String caFile, String clientAuth, Long refreshSeconds) {

        /**
         * The validated configuration, relative paths resolved against {@code dir}; errors start with
         * {@code key} (the section's name, "tls").
         */
        public TlsConfig toConfig(String key, Path dir) {
            try {
                return new TlsConfig(resolve(dir, certFile), resolve(dir, keyFile), resolve(dir, caFile),
                        clientAuth == null ? ClientAuth.NONE : ClientAuth.parse("clientAuth", clientAuth),
                        refreshSeconds == null ? DEFAULT_REFRESH_SECONDS : refreshSeconds);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "." + e.getMessage(), e);
            }
        }

        private static Path resolve(Path dir, String file) {
            return file == null ? null : dir.resolve(file);
        }
    }
}
