package dev.specula.verifier;

import dev.specula.engine.kernel.Backends;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * @param maxSessions          sessions served at once, >= 1; more are refused with RESOURCE_EXHAUSTED; default 64
 * @param blockDeadlineMs      how long a session waits for a valid block before it gives up on its drafter and
 *                             decodes plainly, > 0; default 1000
 * @param defaultMaxTokens     tokens generated when a request names no max_tokens (capped by the context),
 *                             >= 1; default 256
 * @param drafterOpenTimeoutMs how long a session waits for a drafter's {@code ready}, > 0; default 2000
 */
public record VerifierConfig(String id, int port, String modelName, Path model, Path tokenizer, String backend,
                             int maxSessions, long blockDeadlineMs, int defaultMaxTokens,
                             long drafterOpenTimeoutMs) {

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
    }

    /** A builder with every default, for the target model {@code model}. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * Reads {@code file}. Unknown fields are errors; every error names the file and the field.
     *
     * @throws IllegalArgumentException if the file cannot be read or a field is missing or out of range
     */
    public static VerifierConfig load(Path file) {
        Raw raw;
        YAMLMapper mapper = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        try (InputStream in = Files.newInputStream(file)) {
            raw = mapper.readValue(in, Raw.class);
        } catch (IOException | JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IllegalArgumentException(file + ": empty (expected: at least model)");
        }
        if (raw.model() == null) {
            throw new IllegalArgumentException(file + ": model: absent (expected: a model file)");
        }
        Path dir = file.toAbsolutePath().getParent();
        Builder b = builder(dir.resolve(raw.model()));
        if (raw.tokenizer() != null) {
            b.tokenizer(dir.resolve(raw.tokenizer()));
        }
        if (raw.id() != null) {
            b.id(raw.id());
        }
        if (raw.port() != null) {
            b.port(raw.port());
        }
        if (raw.modelName() != null) {
            b.modelName(raw.modelName());
        }
        if (raw.backend() != null) {
            b.backend(raw.backend());
        }
        if (raw.maxSessions() != null) {
            b.maxSessions(raw.maxSessions());
        }
        if (raw.blockDeadlineMs() != null) {
            b.blockDeadlineMs(raw.blockDeadlineMs());
        }
        if (raw.defaultMaxTokens() != null) {
            b.defaultMaxTokens(raw.defaultMaxTokens());
        }
        if (raw.drafterOpenTimeoutMs() != null) {
            b.drafterOpenTimeoutMs(raw.drafterOpenTimeoutMs());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static String defaultModelName(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The file's fields as written, absent ones null. */
    private record Raw(String id, Integer port, String modelName, String model, String tokenizer, String backend,
                       Integer maxSessions, Long blockDeadlineMs, Integer defaultMaxTokens,
                       Long drafterOpenTimeoutMs) {
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

        private Builder(Path model) {
            this.model = model;
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

        /** See {@link VerifierConfig#drafterOpenTimeoutMs()}. */
        public Builder drafterOpenTimeoutMs(long drafterOpenTimeoutMs) {
            this.drafterOpenTimeoutMs = drafterOpenTimeoutMs;
            return this;
        }

        /** The validated configuration. */
        public VerifierConfig build() {
            return new VerifierConfig(id, port, modelName, model, tokenizer, backend, maxSessions, blockDeadlineMs,
                    defaultMaxTokens, drafterOpenTimeoutMs);
        }
    }
}
