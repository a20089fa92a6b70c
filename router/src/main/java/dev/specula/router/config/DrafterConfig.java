package dev.specula.router.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * One drafter model the router may send sessions to.
 *
 * @param id        the drafter model id, as in the drafter service's configuration ("stories-de"); unique
 * @param targets   its replicas, "host:port" or any gRPC target string; the router round-robins over them
 * @param languages ISO 639-1 codes of the languages it drafts well; a language with no entry in
 *                  {@code routes.languages} is served by the drafters that list it (config order)
 * @param domains   the domains it drafts well ("code"); used like {@code languages} for
 *                  {@code routes.domains}
 */
public record DrafterConfig(String id, List<String> targets, List<String> languages, List<String> domains) {

    /** Validates; absent lists become empty, language codes lower-case. */
    public DrafterConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: empty (expected: a drafter model id)");
        }
        targets = ConfigChecks.targets("drafter '" + id + "' targets", targets);
        languages = languages == null ? List.of() : languages.stream()
                .map(code -> code == null ? null : code.toLowerCase(Locale.ROOT)).toList();
        for (int i = 0; i < languages.size(); i++) {
            ConfigChecks.languageCode("drafter '" + id + "' languages[" + i + "]", languages.get(i));
        }
        domains = domains == null ? List.of() : List.copyOf(domains);
        if (domains.stream().anyMatch(d -> d == null || d.isBlank())) {
            throw new IllegalArgumentException("drafter '" + id + "' domains: empty entry (expected: names like 'code')");
        }
        if (new HashSet<>(languages).size() != languages.size() || new HashSet<>(domains).size() != domains.size()) {
            throw new IllegalArgumentException("drafter '" + id + "': a language or domain is listed twice");
        }
    }

    /** A drafter with just an id and its replicas. */
    public static DrafterConfig of(String id, String... targets) {
        return new DrafterConfig(id, List.of(targets), List.of(), List.of());
    }
}
