package dev.specula.verifier;

import dev.specula.engine.kernel.Backends;
import dev.specula.rpc.ConfigFiles;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.telemetry.TelemetryConfig;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The configuration of one verifier process, read from YAML with {@link #load(Path)}. Relative paths resolve
 * against the configuration file's directory.
 *
 * @param id                   this verifier's id, reported in every summary; default {@code "verifier"}
 * @param port                 the gRPC port, in [0, 65535] (0 picks a free one); default 50052
 * @param modelName            the target model's name as summaries report it; default the model file's name
 *                             without its extension
 * @param model                the target model file (GGUF, or llama2.c {@code .bin}); required
 * @param tokenizer            the tokenizer file a llama2.c {@code .bin} needs; optional for GGUF (replaces the
 *                             one in its metadata)
 * @param backend              the compute backend, {@code "vector"} (default) or {@code "naive"}
 * @param maxSessions          sessions served at once, >= 1; more wait in the admission queue; default 64
 * @param blockDeadlineMs      how long a session waits for a valid block before it gives up on its drafter and
 *                             decodes plainly, > 0; default 1000
 * @param defaultMaxTokens     tokens generated when a request names no max_tokens (capped by the context),
 *                             >= 1; default 256
 * @param drafterOpenTimeoutMs how long a session waits for a drafter's {@code ready}, > 0; default 2000
 * @param maxQueuedSessions    sessions that may wait, first come first served, for one of the {@code maxSessions},
 *                             >= 0; a session over that is refused at once with RESOURCE_EXHAUSTED; default 64
 * @param maxQueueWaitMs       how long a session may wait in that queue (never past its call's deadline) before
 *                             RESOURCE_EXHAUSTED, >= 0; default 10000
 * @param tls                  TLS of its port and of its channels to drafters ({@code tls:}); null (the default)
 *                             means plaintext
 * @param telemetry            metrics and traces (the {@code telemetry:} section); {@link TelemetryConfig#OFF}
 *                             when absent
 */
public record VerifierConfig(String id, int port, String modelName, Path model, Path tokenizer, String backend,
                             int maxSessions, long blockDeadlineMs, int defaultMaxTokens,
                             long drafterOpenTimeoutMs, int maxQueuedSessions, long maxQueueWaitMs,
                             TlsConfig tls, TelemetryConfig telemetry) {

    public VerifierConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: empty (expected: a verifier id)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        Objects.requireNonNull(model, "model: absent (expected: a model file)");
        if (modelName == null || modelName.isBlank()) {
            modelName = defaultModelName(model);
        }
        if (!Backends.NAMES.contains(backend)) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: one of " + Backends.NAMES + ")");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        if (blockDeadlineMs <= 0) {
            throw new IllegalArgumentException("blockDeadlineMs: " + blockDeadlineMs + " (expected: > 0)");
        }
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: >= 1)");
        }
        if (drafterOpenTimeoutMs <= 0) {
            throw new IllegalArgumentException("drafterOpenTimeoutMs: " + drafterOpenTimeoutMs + " (expected: > 0)");
        }
        telemetry = telemetry == null ? TelemetryConfig.OFF : telemetry;
        if (maxQueuedSessions < 0) {
            throw new IllegalArgumentException("maxQueuedSessions: " + maxQueuedSessions + " (expected: >= 0)");
        }
        if (maxQueueWaitMs < 0) {
            throw new IllegalArgumentException("maxQueueWaitMs: " + maxQueueWaitMs + " (expected: >= 0)");
        }
    }

    /** A builder with every default, for the target model {@code model}. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * Reads {@code file} through {@link ConfigFiles}; relative paths resolve against its folder.
     *
     * @throws IllegalArgumentException {@code file: path.to.key: problem} when the file cannot be read, is
     *                                  malformed, names an unknown key, or a value is missing or out of range
     */
    public static VerifierConfig load(Path file) {
        return ConfigFiles.load(file, Fields.class, Fields::toConfig);
    }

    private static String defaultModelName(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The file's fields as written, absent ones null. */
    private record Fields(String id, Integer port, String modelName, String model, String tokenizer, String backend,
                          Integer maxSessions, Long blockDeadlineMs, Integer defaultMaxTokens,
                          Long drafterOpenTimeoutMs, Integer maxQueuedSessions, Long maxQueueWaitMs,
                          TlsConfig.Fields tls, TelemetryConfig.Fields telemetry) {

        VerifierConfig toConfig(Path dir) {
            if (model == null) {
                throw new IllegalArgumentException("model: absent (expected: a model file)");
            }
            Builder b = builder(dir.resolve(model));
            if (tokenizer != null) {
                b.tokenizer(dir.resolve(tokenizer));
            }
            if (id != null) {
                b.id(id);
            }
            if (port != null) {
                b.port(port);
            }
            if (modelName != null) {
                b.modelName(modelName);
            }
            if (backend != null) {
                b.backend(backend);
            }
            if (maxSessions != null) {
                b.maxSessions(maxSessions);
            }
            if (blockDeadlineMs != null) {
                b.blockDeadlineMs(blockDeadlineMs);
            }
            if (defaultMaxTokens != null) {
                b.defaultMaxTokens(defaultMaxTokens);
            }
            if (drafterOpenTimeoutMs != null) {
                b.drafterOpenTimeoutMs(drafterOpenTimeoutMs);
            }
            if (maxQueuedSessions != null) {
                b.maxQueuedSessions(maxQueuedSessions);
            }
            if (maxQueueWaitMs != null) {
                b.maxQueueWaitMs(maxQueueWaitMs);
            }
            if (tls != null) {
                b.tls(tls.toConfig("tls", dir));
            }
            if (telemetry != null) {
                b.telemetry(telemetry.toConfig());
            }
            return b.build();
        }
    }

    /** Builds a {@link VerifierConfig}; every field starts at its default. */
    public static final class Builder {
        private final Path model;
        private String id = "verifier";
        private int port = 50052;
        private String modelName;
        private Path tokenizer;
        private String backend = "vector";
        private int maxSessions = 64;
        private long blockDeadlineMs = 1000;
        private int defaultMaxTokens = 256;
        private long drafterOpenTimeoutMs = 2000;
        private int maxQueuedSessions = 64;
        private long maxQueueWaitMs = 10_000;
        private TlsConfig tls;
        private TelemetryConfig telemetry = TelemetryConfig.OFF;

        private Builder(Path model) {
            this.model = model;
        }

        /** See {@link VerifierConfig#telemetry()}. */
        public Builder telemetry(TelemetryConfig telemetry) {
            this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
            return this;
        }

        /** See {@link VerifierConfig#id()}. */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /** See {@link VerifierConfig#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link VerifierConfig#modelName()}. */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** See {@link VerifierConfig#tokenizer()}. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** See {@link VerifierConfig#backend()}. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** See {@link VerifierConfig#maxSessions()}. */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        /** See {@link VerifierConfig#blockDeadlineMs()}. */
        public Builder blockDeadlineMs(long blockDeadlineMs) {
            this.blockDeadlineMs = blockDeadlineMs;
            return this;
        }

        /** See {@link VerifierConfig#defaultMaxTokens()}. */
        public Builder defaultMaxTokens(int defaultMaxTokens) {
            this.defaultMaxTokens = defaultMaxTokens;
            return this;
        }

        /** See {@link VerifierConfig#maxQueuedSessions()}. */
        public Builder maxQueuedSessions(int maxQueuedSessions) {
            this.maxQueuedSessions = maxQueuedSessions;
            return this;
        }

        /** See {@link VerifierConfig#maxQueueWaitMs()}. */
        public Builder maxQueueWaitMs(long maxQueueWaitMs) {
            this.maxQueueWaitMs = maxQueueWaitMs;
            return this;
        }

        /** See {@link VerifierConfig#drafterOpenTimeoutMs()}. */
        public Builder drafterOpenTimeoutMs(long drafterOpenTimeoutMs) {
            this.drafterOpenTimeoutMs = drafterOpenTimeoutMs;
            return this;
        }

        /** See {@link VerifierConfig#tls()}. */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** The validated configuration. */
        public VerifierConfig build() {
            return new VerifierConfig(id, port, modelName, model, tokenizer, backend, maxSessions, blockDeadlineMs,
                    defaultMaxTokens, drafterOpenTimeoutMs, maxQueuedSessions, maxQueueWaitMs, tls, telemetry);
        }
    }
}
