package dev.specula.drafter;

import dev.specula.engine.kernel.Backends;
import dev.specula.rpc.ConfigFiles;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.telemetry.TelemetryConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a drafter service runs: where it listens, what it computes on, how many sessions it takes, and the
 * draft models it serves. Read from YAML with {@link #load(Path)}:
 *
 * <pre>{@code
 * port: 50053            # optional, default 50053 (0 = any free port)
 * backend: vector        # optional: "vector" (default), "naive", "cuda" or "auto"
 * maxSessions: 64        # optional, default 64; more concurrent sessions are refused (RESOURCE_EXHAUSTED)
 * minConfidence: 0.0     # optional, in [0, 1), default 0 (off)
 * models:                # at least one; the first is the default for sessions that name none
 *   - id: stories-260k
 *     model: models/stories260K.bin     # GGUF or llama2.c .bin; relative paths are against this file's folder
 *     tokenizer: models/tok512.bin      # optional; required for llama2.c .bin files
 *     languages: [en]                   # optional, default none (any)
 *     domains: [stories]                # optional, default none (any)
 * telemetry:             # optional, default off; see TelemetryConfig
 *   prometheusPort: 9464
 * tls:                   # optional, default none (plaintext); see TlsConfig
 *   certFile: drafter.pem
 *   keyFile: drafter-key.pem
 *   caFile: ca.pem
 *   clientAuth: require
 * }</pre>
 *
 * @param port          TCP port to listen on; 0 picks a free one
 * @param backend       compute backend, one of {@link Backends#NAMES}
 * @param maxSessions   concurrent drafting sessions at most; one more is refused with RESOURCE_EXHAUSTED
 * @param minConfidence early-stop threshold: a block ends early, after at least one token, when the draft
 *                      model's own top probability for the next token falls below it; 0 turns it off
 * @param models        the draft models served, ids unique, the first being the default
 * @param telemetry     metrics and traces: a Prometheus endpoint, OTLP export; {@link TelemetryConfig#OFF} when absent
 * @param tls           TLS of its port; null means plaintext
 */
public record DrafterConfig(int port, String backend, int maxSessions, double minConfidence, List<ModelSpec> models,
                            TlsConfig tls, TelemetryConfig telemetry) {

    /** The port the drafter listens on when the configuration names none. */
    public static final int DEFAULT_PORT = 50053;
    /** The backend when the configuration names none. */
    public static final String DEFAULT_BACKEND = "vector";
    /** The session limit when the configuration names none. */
    public static final int DEFAULT_MAX_SESSIONS = 64;

    public DrafterConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: in [0, 65535])");
        }
        Objects.requireNonNull(backend, "backend");
        if (!Backends.NAMES.contains(backend)) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: one of " + Backends.NAMES + ")");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        if (!(minConfidence >= 0 && minConfidence < 1)) {
            throw new IllegalArgumentException("minConfidence: " + minConfidence + " (expected: in [0, 1))");
        }
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("models: none (expected: at least one draft model)");
        }
        models = List.copyOf(models);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            if (!ids.add(models.get(i).id())) {
                throw new IllegalArgumentException("models[" + i + "].id: " + models.get(i).id()
                        + " appears twice (expected: unique ids)");
            }
        }
        telemetry = telemetry == null ? TelemetryConfig.OFF : telemetry;
    }

    /**
     * One draft model.
     *
     * @param id        the name verifiers and the router use for it ("stories-260k")
     * @param model     the model file: GGUF, or a llama2.c {@code .bin} checkpoint
     * @param tokenizer a llama2.c {@code tokenizer.bin}: required for {@code .bin} checkpoints, and replaces the
     *                  GGUF's own tokenizer when given; {@code null} when absent
     * @param languages the languages it drafts well (ISO 639-1 codes), for the router; empty means any
     * @param domains   the domains it drafts well ("code", "stories"), for the router; empty means any
     */
    public record ModelSpec(String id, Path model, Path tokenizer, List<String> languages, List<String> domains) {

        public ModelSpec {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id: " + (id == null ? "absent" : "blank") + " (expected: a name)");
            }
            Objects.requireNonNull(model, "model");
            languages = nonBlank("languages", languages == null ? List.of() : languages);
            domains = nonBlank("domains", domains == null ? List.of() : domains);
        }

        /** A model with no tokenizer override, languages or domains. */
        public static ModelSpec of(String id, Path model) {
            return new ModelSpec(id, model, null, List.of(), List.of());
        }

        private static List<String> nonBlank(String field, List<String> values) {
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) == null || values.get(i).isBlank()) {
                    throw new IllegalArgumentException(field + "[" + i + "]: blank (expected: a name)");
                }
            }
            return List.copyOf(values);
        }
    }

    /** A builder starting from the defaults, with no models. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a configuration from a YAML file through {@link ConfigFiles}. Relative model and tokenizer paths are
     * resolved against the file's folder. Unknown fields are refused, so a misspelt option is not silently
     * ignored.
     *
     * @throws IllegalArgumentException {@code file: path.to.key: problem} when the file is absent, not YAML, or a
     *                                  field is unknown, missing or out of range
     */
    public static DrafterConfig load(Path file) {
        return ConfigFiles.load(file, Fields.class, Fields::toConfig);
    }

    /** The file's fields as written, absent ones null. */
    private record Fields(Integer port, String backend, Integer maxSessions, Double minConfidence,
                          List<ModelFields> models, TlsConfig.Fields tls, TelemetryConfig.Fields telemetry) {

        DrafterConfig toConfig(Path dir) {
            Builder b = builder();
            if (port != null) {
                b.port(port);
            }
            if (backend != null) {
                b.backend(backend);
            }
            if (maxSessions != null) {
                b.maxSessions(maxSessions);
            }
            if (minConfidence != null) {
                b.minConfidence(minConfidence);
            }
            if (models == null) {
                throw new IllegalArgumentException("models: missing (expected: a list of at least one model)");
            }
            for (int i = 0; i < models.size(); i++) {
                String key = "models[" + i + "]";
                if (models.get(i) == null) {
                    throw new IllegalArgumentException(key + ": empty (expected: a mapping with id and model)");
                }
                b.model(models.get(i).toSpec(key, dir));
            }
            if (telemetry != null) {
                b.telemetry(telemetry.toConfig());
            }
            if (tls != null) {
                b.tls(tls.toConfig("tls", dir));
            }
            return b.build();
        }
    }

    /** One model's fields as written, absent ones null. */
    private record ModelFields(String id, String model, String tokenizer, List<String> languages,
                               List<String> domains) {

        ModelSpec toSpec(String key, Path dir) {
            if (id == null) {
                throw new IllegalArgumentException(key + ".id: missing (expected: the model's name)");
            }
            if (model == null) {
                throw new IllegalArgumentException(key + ".model: missing (expected: the model file's path)");
            }
            try {
                return new ModelSpec(id, dir.resolve(model), tokenizer == null ? null : dir.resolve(tokenizer),
                        languages, domains);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "." + e.getMessage(), e);
            }
        }
    }

    /** Builds a {@link DrafterConfig}; every field starts at its default. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String backend = DEFAULT_BACKEND;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private double minConfidence;
        private final List<ModelSpec> models = new ArrayList<>();
        private TelemetryConfig telemetry = TelemetryConfig.OFF;
        private TlsConfig tls;

        private Builder() {
        }

        /** See {@link DrafterConfig#telemetry()}. */
        public Builder telemetry(TelemetryConfig telemetry) {
            this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
            return this;
        }

        /** See {@link DrafterConfig#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** See {@link DrafterConfig#backend()}. */
        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        /** See {@link DrafterConfig#maxSessions()}. */
        public Builder maxSessions(int maxSessions) {
            this.maxSessions = maxSessions;
            return this;
        }

        /** See {@link DrafterConfig#minConfidence()}. */
        public Builder minConfidence(double minConfidence) {
            this.minConfidence = minConfidence;
            return this;
        }

        /** Adds a model; the first added is the default. */
        public Builder model(ModelSpec model) {
            models.add(Objects.requireNonNull(model, "model"));
            return this;
        }

        /** See {@link DrafterConfig#tls()}. */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming the first bad field. */
        public DrafterConfig build() {
            return new DrafterConfig(port, backend, maxSessions, minConfidence, models, tls, telemetry);
        }
    }
}
