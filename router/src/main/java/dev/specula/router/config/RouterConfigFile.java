package dev.specula.router.config;

import java.util.List;
import java.util.Map;

/**
 * The YAML file as written: every field optional, so that {@link #toConfig()} can tell an absent value (the
 * default) from a given one before {@link RouterConfig} validates.
 */
record RouterConfigFile(Integer port, String defaultModel, Map<String, List<String>> models,
                        List<DrafterConfig> drafters, RoutesConfig routes, List<DomainRule> domainRules,
                        List<String> detectLanguages, String fallbackLanguage, Boolean lowAccuracyDetection,
                        Integer initialDraftLength, Integer maxDraftLength, Double explorationRate,
                        Long explorationSeed, HttpFile http) {

    /** The {@code http} section as written. */
    record HttpFile(Integer port, Long maxBodyBytes, java.util.Map<String, HttpConfig.ChatTemplateConfig> chatTemplates) {
        HttpConfig toConfig() {
            return new HttpConfig(port == null ? HttpConfig.DEFAULT_PORT : port,
                    maxBodyBytes == null ? HttpConfig.DEFAULT_MAX_BODY_BYTES : maxBodyBytes, chatTemplates);
        }
    }

    RouterConfig toConfig() {
        int max = maxDraftLength == null ? 8 : maxDraftLength;
        return new RouterConfig(
                port == null ? RouterConfig.DEFAULT_PORT : port,
                defaultModel, models, drafters, routes, domainRules, detectLanguages, fallbackLanguage,
                lowAccuracyDetection != null && lowAccuracyDetection,
                initialDraftLength == null ? Math.min(4, max) : initialDraftLength,
                max,
                explorationRate == null ? 0.1 : explorationRate,
                explorationSeed == null ? 0 : explorationSeed,
                http == null ? null : http.toConfig());
    }
}
