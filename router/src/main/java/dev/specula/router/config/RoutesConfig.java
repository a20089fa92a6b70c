package dev.specula.router.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routing table: for each route, the candidate drafters in preference order. The router collects the
 * candidates of a request's domain, then those of its language; when neither has any it uses
 * {@code defaultDrafters}. Among several candidates it picks by measured expected speedup.
 *
 * @param defaultDrafters drafter ids for requests whose language and domain have no candidates
 * @param languages       ISO 639-1 code → drafter ids
 * @param domains         domain → drafter ids
 */
public record RoutesConfig(List<String> defaultDrafters, Map<String, List<String>> languages,
                           Map<String, List<String>> domains) {

    /** An empty table: no drafters on any route. */
    public static final RoutesConfig EMPTY = new RoutesConfig(null, null, null);

    /** Copies; absent parts become empty, language codes lower-case. */
    public RoutesConfig {
        defaultDrafters = defaultDrafters == null ? List.of() : List.copyOf(defaultDrafters);
        Map<String, List<String>> byLanguage = new LinkedHashMap<>();
        if (languages != null) {
            languages.forEach((code, ids) -> byLanguage.put(code == null ? null : code.toLowerCase(Locale.ROOT),
                    ids == null ? List.of() : List.copyOf(ids)));
        }
        languages = java.util.Collections.unmodifiableMap(byLanguage);
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        if (domains != null) {
            domains.forEach((domain, ids) -> byDomain.put(domain, ids == null ? List.of() : List.copyOf(ids)));
        }
        domains = java.util.Collections.unmodifiableMap(byDomain);
    }
}
