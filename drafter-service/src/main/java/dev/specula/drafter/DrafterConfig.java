package dev.specula.drafter;

import dev.specula.engine.kernel.Backends;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
 * }</pre>
 *
 * @param port          TCP port to listen on; 0 picks a free one
 * @param backend       compute backend, one of {@link Backends#NAMES}
 * @param maxSessions   concurrent drafting sessions at most; one more is refused with RESOURCE_EXHAUSTED
 * @param minConfidence early-stop threshold: a block ends early, after at least one token, when the draft
 *                      model's own top probability for the next token falls below it; 0 turns it off
 * @param models        the draft models served, ids unique, the first being the default
 */
public record DrafterConfig(int port, String backend, int maxSessions, double minConfidence, List<ModelSpec> models) {

    /** The port the drafter listens on when the configuration names none. */
    public static final int DEFAULT_PORT = 50053;
    /** The backend when the configuration names none. */
    public static final String DEFAULT_BACKEND = "vector";
    /** The session limit when the configuration names none. */
    public static final int DEFAULT_MAX_SESSIONS = 64;

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("port", "backend", "maxSessions", "minConfidence", "models");
    private static final Set<String> MODEL_FIELDS = Set.of("id", "model", "tokenizer", "languages", "domains");

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
     * Reads a configuration from a YAML file. Relative model and tokenizer paths are resolved against the
     * file's folder. Unknown fields are refused, so a misspelt option is not silently ignored.
     *
     * @throws IllegalArgumentException naming the file and the field when the file is absent, not YAML, or a
     *                                  field is missing or out of range
     */
    public static DrafterConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("drafter config " + file + ": no such file");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = new YAMLMapper().readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("drafter config " + file + ": not valid YAML"
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : "") + ": "
                    + yamlProblem(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("drafter config " + file + ": unreadable: " + e.getMessage(), e);
        }
        try {
            return parse(root, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("drafter config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The parser's message without its source excerpts: "while parsing ...; expected ..., but found ...". */
    private static String yamlProblem(JacksonException e) {
        String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
        return String.join("; ", message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .toList());
    }

    private static DrafterConfig parse(JsonNode root, Path base) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a mapping (expected: port, backend, maxSessions, minConfidence, models)");
        }
        refuseUnknown(root, "", TOP_LEVEL_FIELDS);
        Builder b = builder();
        if (present(root, "port")) {
            b.port(intField(root, "port"));
        }
        if (present(root, "backend")) {
            b.backend(stringField(root, "backend"));
        }
        if (present(root, "maxSessions")) {
            b.maxSessions(intField(root, "maxSessions"));
        }
        if (present(root, "minConfidence")) {
            JsonNode node = root.get("minConfidence");
            if (!node.isNumber()) {
                throw new IllegalArgumentException("minConfidence: " + node + " (expected: a number in [0, 1))");
            }
            b.minConfidence(node.doubleValue());
        }
        JsonNode models = root.get("models");
        if (models == null || models.isNull()) {
            throw new IllegalArgumentException("models: missing (expected: a list of at least one model)");
        }
        if (!models.isArray()) {
            throw new IllegalArgumentException("models: " + models + " (expected: a list of models)");
        }
        int i = 0;
        for (JsonNode model : models.values()) {
            b.model(parseModel(model, "models[" + i++ + "].", base));
        }
        return b.build();
    }

    private static ModelSpec parseModel(JsonNode node, String prefix, Path base) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(prefix.substring(0, prefix.length() - 1) + ": " + node
                    + " (expected: a mapping with id and model)");
        }
        refuseUnknown(node, prefix, MODEL_FIELDS);
        for (String required : List.of("id", "model")) {
            if (!present(node, required)) {
                throw new IllegalArgumentException(prefix + required + ": missing (expected: "
                        + (required.equals("id") ? "the model's name" : "the model file's path") + ")");
            }
        }
        try {
            Path model = base.resolve(stringField(node, "model"));
            Path tokenizer = present(node, "tokenizer") ? base.resolve(stringField(node, "tokenizer")) : null;
            return new ModelSpec(stringField(node, "id"), model, tokenizer, stringList(node, "languages"),
                    stringList(node, "domains"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }

    private static void refuseUnknown(JsonNode node, String prefix, Set<String> known) {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(prefix + name + ": unknown field (expected: one of "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static int intField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: an integer)");
        }
        return value.intValue();
    }

    private static String stringField(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (!value.isString() || value.stringValue().isBlank()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a non-empty string)");
        }
        return value.stringValue();
    }

    private static List<String> stringList(JsonNode node, String field) {
        if (!present(node, field)) {
            return List.of();
        }
        JsonNode value = node.get(field);
        if (!value.isArray()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a list such as [en, de])");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value.values()) {
            if (!item.isString()) {
                throw new IllegalArgumentException(field + "[" + out.size() + "]: " + item + " (expected: a string)");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    /** Builds a {@link DrafterConfig}; every field starts at its default. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String backend = DEFAULT_BACKEND;
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private double minConfidence;
        private final List<ModelSpec> models = new ArrayList<>();

        private Builder() {
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

        /** The configuration; throws {@link IllegalArgumentException} naming the first bad field. */
        public DrafterConfig build() {
            return new DrafterConfig(port, backend, maxSessions, minConfidence, models);
        }
    }
}
