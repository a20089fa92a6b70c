package dev.specula.router.routing;

/**
 * What the router learns and routes by: a language and a domain.
 *
 * @param language ISO 639-1 code, lower-case
 * @param domain   the domain, "general" when no rule matched
 */
public record Route(String language, String domain) {

    /** The domain of prompts that no rule matches. */
    public static final String GENERAL = "general";

    /** Validates: both present. */
    public Route {
        if (language == null || language.isEmpty()) {
            throw new IllegalArgumentException("language: empty (expected: an ISO 639-1 code)");
        }
        if (domain == null || domain.isEmpty()) {
            throw new IllegalArgumentException("domain: empty (expected: a domain such as 'general')");
        }
    }

    /** "language/domain", as in GenerationSummary.route. */
    @Override
    public String toString() {
        return language + "/" + domain;
    }
}
