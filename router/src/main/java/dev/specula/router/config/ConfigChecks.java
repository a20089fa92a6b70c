package dev.specula.router.config;

import dev.specula.router.language.LanguageCodes;

import java.util.List;

/** Checks the config records share; every message names the field. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    /** A non-empty list of non-blank gRPC targets, copied. */
    static List<String> targets(String field, List<String> targets) {
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException(field + ": empty (expected: at least one host:port)");
        }
        for (int i = 0; i < targets.size(); i++) {
            String target = targets.get(i);
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException(field + "[" + i + "]: empty (expected: host:port)");
            }
        }
        return List.copyOf(targets);
    }

    /** An ISO 639-1 code Lingua knows. */
    static void languageCode(String field, String code) {
        if (!LanguageCodes.isKnown(code)) {
            throw new IllegalArgumentException(field + ": '" + code
                    + "' (expected: an ISO 639-1 code of a language Lingua knows, such as 'en' or 'de')");
        }
    }
}
