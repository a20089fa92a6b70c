package dev.specula.router.config;

import dev.specula.telemetry.TelemetryConfig;

import java.util.List;
import java.util.Map;

/**
 * The YAML file as written: every field optional, so that {@link #toConfig()} can tell an absent value (the
 * default) from a given one before {@link RouterConfig} validates. Read by {@link RouterConfig#load}.
 */
record RouterConfigFile(Integer port, String defaultModel, Map<String, List<String>> models,
                        List<DrafterConfig> drafters, RoutesConfig routes, List<DomainRule> domainRules,
                        List<String> detectLanguages, String fallbackLanguage, Boolean lowAccuracyDetection,
                        Integer initialDraftLength, Integer maxDraftLength, Double explorationRate,
                        Long explorationSeed, HttpFile http,
                        dev.specula.rpc.security.TlsConfig.Fields tls,
                        dev.specula.rpc.security.AuthConfig.Fields auth,
                        dev.specula.rpc.security.ClientLimitsConfig.Fields limits,
                        ReplicaHealthFile replicaHealth, TelemetryConfig.Fields telemetry) {

    /** The {@code replicaHealth} section as written. */
    record ReplicaHealthFile(Long ejectionMs, Long maxEjectionMs) {
        ReplicaHealthConfig toConfig() {
            ReplicaHealthConfig d = ReplicaHealthConfig.DEFAULT;
            return new ReplicaHealthConfig(ejectionMs == null ? d.ejectionMs() : ejectionMs,
                    maxEjectionMs == null ? d.maxEjectionMs() : maxEjectionMs);
        }
    }

    /** The {@code http} section as written. */
    record HttpFile(Integer port, Long maxBodyBytes, java.util.Map<String, HttpConfig.ChatTemplateConfig> chatTemplates) {
        HttpConfig toConfig() {
            return new HttpConfig(port == null ? HttpConfig.DEFAULT_PORT : port,
                    maxBodyBytes == null ? HttpConfig.DEFAULT_MAX_BODY_BYTES : maxBodyBytes, chatTemplates);
        }
    }

    /**
     * The validated configuration: given fields set, absent ones at the builder's defaults.
     *
     * @param dir the file's folder, which relative paths resolve against
     */
    RouterConfig toConfig(java.nio.file.Path dir) {
        RouterConfig.Builder b = RouterConfig.builder().defaultModel(defaultModel).models(models).drafters(drafters)
                .routes(routes).domainRules(domainRules).detectLanguages(detectLanguages)
                .fallbackLanguage(fallbackLanguage);
        if (port != null) {
            b.port(port);
        }
        if (lowAccuracyDetection != null) {
            b.lowAccuracyDetection(lowAccuracyDetection);
        }
        if (initialDraftLength != null) {
            b.initialDraftLength(initialDraftLength);
        }
        if (maxDraftLength != null) {
            b.maxDraftLength(maxDraftLength);
        }
        if (explorationRate != null) {
            b.explorationRate(explorationRate);
        }
        if (explorationSeed != null) {
            b.explorationSeed(explorationSeed);
        }
        if (tls != null) {
            b.tls(tls.toConfig("tls", dir));
        }
        if (auth != null) {
            b.auth(auth.toConfig("auth", dir));
        }
        if (limits != null) {
            b.limits(limits.toConfig("limits"));
        }
        if (http != null) {
            b.http(http.toConfig().resolvedAgainst(dir));
        }
        if (telemetry != null) {
            b.telemetry(telemetry.toConfig());
        }
        if (replicaHealth != null) {
            b.replicaHealth(replicaHealth.toConfig());
        }
        return b.build();
    }
}
