package dev.specula.rpc;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * The one way every service reads its YAML configuration: the file is bound to a record of its fields (absent
 * ones null), unknown keys are refused, and the record is turned into the validated configuration. Every
 * error reads {@code file: path.to.key: problem}.
 */
public final class ConfigFiles {

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ConfigFiles() {
    }

    /**
     * Reads {@code file} into {@code fields}, then builds the configuration with {@code toConfig}, which gets
     * the file's folder (relative paths resolve against it) and reports a bad value as an
     * {@link IllegalArgumentException} whose message starts with the key's path.
     *
     * @throws IllegalArgumentException {@code file: path.to.key: problem} for a file that cannot be read or
     *                                  parsed, an unknown key, or a bad value
     */
    public static <F, C> C load(Path file, Class<F> fields, BiFunction<F, Path, C> toConfig) {
        F raw;
        try (InputStream in = Files.newInputStream(file)) {
            raw = MAPPER.readValue(in, fields);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": " + describe(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
        if (raw == null) {
            throw new IllegalArgumentException(file + ": empty (expected: a YAML mapping)");
        }
        try {
            return toConfig.apply(raw, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** "drafters[1].id: problem": where in the file, then what, from the innermost cause. */
    private static String describe(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String what = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
        if (what != null) {
            what = what.lines().findFirst().orElse(what);
        }
        return path.isEmpty() ? what : path + ": " + what;
    }
}
