package dev.specula.router.routing;

import dev.specula.router.config.DomainRule;

import java.util.List;
import java.util.regex.Pattern;

/** Puts a prompt into a domain by the configured rules: the first rule whose pattern is found wins. */
public final class DomainClassifier {

    private record Compiled(String domain, Pattern pattern) {
    }

    private final List<Compiled> rules;

    /** @param rules the rules, in order */
    public DomainClassifier(List<DomainRule> rules) {
        this.rules = rules.stream().map(r -> new Compiled(r.domain(), r.compiled())).toList();
    }

    /** The domain of {@code prompt}: the first matching rule's, or {@link Route#GENERAL}. */
    public String classify(String prompt) {
        for (Compiled rule : rules) {
            if (rule.pattern().matcher(prompt).find()) {
                return rule.domain();
            }
        }
        return Route.GENERAL;
    }
}
