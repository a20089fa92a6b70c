package dev.specula.router.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A rule that puts prompts into a domain: the first rule whose pattern is found in the prompt wins.
 *
 * @param domain  the domain ("code", "docs"); "general" is what a prompt that no rule matches gets
 * @param pattern a Java regular expression, searched for anywhere in the prompt ({@link java.util.regex.Matcher#find()})
 */
public record DomainRule(String domain, String pattern) {

    /** Validates: both present, the pattern compiles. */
    public DomainRule {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("domain: empty (expected: a name like 'code')");
        }
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern: empty (expected: a Java regular expression)");
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern: '" + pattern + "' is not a Java regular expression ("
                    + e.getDescription() + " at index " + e.getIndex() + ")");
        }
    }

    /** The compiled pattern. */
    public Pattern compiled() {
        return Pattern.compile(pattern);
    }
}
