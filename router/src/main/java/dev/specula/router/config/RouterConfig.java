package dev.specula.router.config;

import dev.specula.rpc.ConfigFiles;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.security.AuthConfig;
import dev.specula.rpc.security.ClientLimitsConfig;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.telemetry.TelemetryConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The router's configuration, read from YAML with {@link #load(Path)} or built with {@link #builder()}.
 *
 * @param port                 the port the router listens on; default 50051, 0 picks a free one
 * @param defaultModel         the model of requests that name none; may be left out when there is one model
 * @param models               model name → its verifier replicas ("host:port" or any gRPC target string); at
 *                             least one model, each with at least one replica
 * @param drafters             the drafter models sessions may use; ids unique; may be empty (plain decoding)
 * @param routes               the routing table: candidate drafters per language, per domain, and by default
 * @param domainRules          domain rules in order: the first whose pattern is found in the prompt names its
 *                             domain; no match means "general"
 * @param detectLanguages      ISO 639-1 codes the language detector chooses among (only these are loaded, to
 *                             save memory); default: the languages in {@code routes}, those the drafters list,
 *                             the fallback language and "en"
 * @param fallbackLanguage     the language of prompts too short or too ambiguous to detect; default "en"
 * @param lowAccuracyDetection whether the detector loads only trigram models: about 6 MB and 0.2 s instead of
 *                             about 140 MB and 1.1 s for seven languages, at the cost of accuracy on short
 *                             prompts; default false
 * @param initialDraftLength   the draft length of a route the router has not learned yet; in
 *                             [1, maxDraftLength], default 4
 * @param maxDraftLength       the longest draft length the router asks for; in [1, 16], default 8
 * @param explorationRate      how often the router tries a drafter other than the best measured one for a
 *                             route (epsilon-greedy); in [0, 1], default 0.1
 * @param explorationSeed      the seed of that choice, so that runs repeat; default 0
 * @param http                 the OpenAI-compatible HTTP API; null (the default) means no HTTP port
 * @param replicaHealth        ejection of verifier replicas that fail to connect or answer; default
 *                             {@link ReplicaHealthConfig#DEFAULT}
 * @param tls                  TLS of the public gRPC port, of the HTTP API and of the channels to verifiers (same
 *                             files, client certificate presented); null (the default) means plaintext
 * @param auth                 bearer tokens the public gRPC and HTTP APIs require ({@code auth.tokensFile}); null
 *                             (the default) means none
 * @param limits               per-client limits of the public gRPC and HTTP APIs, counted together; default none
 * @param telemetry            metrics and traces (the {@code telemetry:} section); {@link TelemetryConfig#OFF}
 *                             when absent
 */
public record RouterConfig(int port, String defaultModel, Map<String, List<String>> models,
                           List<DrafterConfig> drafters, RoutesConfig routes, List<DomainRule> domainRules,
                           List<String> detectLanguages, String fallbackLanguage, boolean lowAccuracyDetection,
                           int initialDraftLength, int maxDraftLength, double explorationRate,
                           long explorationSeed, HttpConfig http, TlsConfig tls,
                           AuthConfig auth, ClientLimitsConfig limits, ReplicaHealthConfig replicaHealth,
                           TelemetryConfig telemetry) {

    /** The port a router listens on by default. */
    public static final int DEFAULT_PORT = 50051;

    /** Validates every field and the references between them; see the record's Javadoc. */
    public RouterConfig {
        telemetry = telemetry == null ? TelemetryConfig.OFF : telemetry;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("models: empty (expected: model name → verifier targets)");
        }
        Map<String, List<String>> modelCopy = new LinkedHashMap<>();
        models.forEach((name, targets) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("models: empty model name");
            }
            modelCopy.put(name, ConfigChecks.targets("models." + name, targets));
        });
        models = java.util.Collections.unmodifiableMap(modelCopy);
        if (defaultModel == null || defaultModel.isBlank()) {
            if (models.size() != 1) {
                throw new IllegalArgumentException("defaultModel: absent (expected: one of " + models.keySet()
                        + "; it may be left out only when there is one model)");
            }
            defaultModel = models.keySet().iterator().next();
        } else if (!models.containsKey(defaultModel)) {
            throw new IllegalArgumentException("defaultModel: '" + defaultModel + "' (expected: one of "
                    + models.keySet() + ")");
        }

        drafters = drafters == null ? List.of() : List.copyOf(drafters);
        Set<String> ids = new LinkedHashSet<>();
        for (DrafterConfig drafter : drafters) {
            if (!ids.add(drafter.id())) {
                throw new IllegalArgumentException("drafters: id '" + drafter.id() + "' appears twice (expected: unique ids)");
            }
        }
        routes = routes == null ? RoutesConfig.EMPTY : routes;
        checkIds("routes.defaultDrafters", routes.defaultDrafters(), ids, true);
        routes.languages().forEach((code, list) -> {
            ConfigChecks.languageCode("routes.languages", code);
            checkIds("routes.languages." + code, list, ids, false);
        });
        routes.domains().forEach((domain, list) -> {
            if (domain == null || domain.isBlank()) {
                throw new IllegalArgumentException("routes.domains: empty domain name");
            }
            checkIds("routes.domains." + domain, list, ids, false);
        });
        domainRules = domainRules == null ? List.of() : List.copyOf(domainRules);

        fallbackLanguage = fallbackLanguage == null ? "en" : fallbackLanguage.toLowerCase(Locale.ROOT);
        ConfigChecks.languageCode("fallbackLanguage", fallbackLanguage);
        if (detectLanguages == null || detectLanguages.isEmpty()) {
            Set<String> codes = new LinkedHashSet<>(routes.languages().keySet());
            drafters.forEach(d -> codes.addAll(d.languages()));
            codes.add(fallbackLanguage);
            codes.add("en");
            detectLanguages = List.copyOf(codes);
        } else {
            List<String> codes = new ArrayList<>();
            for (int i = 0; i < detectLanguages.size(); i++) {
                String code = detectLanguages.get(i);
                ConfigChecks.languageCode("detectLanguages[" + i + "]", code);
                codes.add(code.toLowerCase(Locale.ROOT));
            }
            if (new HashSet<>(codes).size() != codes.size()) {
                throw new IllegalArgumentException("detectLanguages: " + codes + " lists a language twice");
            }
            detectLanguages = List.copyOf(codes);
        }

        if (maxDraftLength < 1 || maxDraftLength > ProtocolLimits.MAX_DRAFT_LENGTH) {
            throw new IllegalArgumentException("maxDraftLength: " + maxDraftLength + " (expected: 1.." + ProtocolLimits.MAX_DRAFT_LENGTH + ")");
        }
        if (initialDraftLength < 1 || initialDraftLength > maxDraftLength) {
            throw new IllegalArgumentException("initialDraftLength: " + initialDraftLength
                    + " (expected: 1..maxDraftLength = " + maxDraftLength + ")");
        }
        if (!(explorationRate >= 0 && explorationRate <= 1)) {
            throw new IllegalArgumentException("explorationRate: " + explorationRate + " (expected: 0..1)");
        }
        replicaHealth = replicaHealth == null ? ReplicaHealthConfig.DEFAULT : replicaHealth;
        limits = limits == null ? ClientLimitsConfig.OFF : limits;
    }

    private static void checkIds(String field, List<String> list, Set<String> ids, boolean mayBeEmpty) {
        if (list.isEmpty() && !mayBeEmpty) {
            throw new IllegalArgumentException(field + ": empty (expected: at least one drafter id)");
        }
        for (String id : list) {
            if (!ids.contains(id)) {
                throw new IllegalArgumentException(field + ": drafter '" + id + "' is not configured (expected: one of "
                        + ids + ")");
            }
        }
    }

    /**
     * Every language code a request may name: those detected, those with routes or drafters, the fallback.
     */
    public Set<String> knownLanguages() {
        Set<String> codes = new java.util.TreeSet<>(detectLanguages);
        codes.addAll(routes.languages().keySet());
        drafters.forEach(d -> codes.addAll(d.languages()));
        codes.add(fallbackLanguage);
        return java.util.Collections.unmodifiableSet(codes);
    }

    /**
     * Every domain the configuration names: in the routing table, the domain rules, the drafters, and "general".
     */
    public Set<String> knownDomains() {
        Set<String> names = new java.util.TreeSet<>(routes.domains().keySet());
        domainRules.forEach(rule -> names.add(rule.domain()));
        drafters.forEach(d -> names.addAll(d.domains()));
        names.add(dev.specula.router.routing.Route.GENERAL);
        return java.util.Collections.unmodifiableSet(names);
    }

    /** The drafter with this id, or null. */
    public DrafterConfig drafter(String id) {
        for (DrafterConfig drafter : drafters) {
            if (drafter.id().equals(id)) {
                return drafter;
            }
        }
        return null;
    }

    /**
     * Reads a YAML file through {@link ConfigFiles}. Relative paths (chat template files) resolve against the
     * file's folder.
     *
     * @throws IllegalArgumentException {@code file: path.to.key: problem} when the file cannot be read, is
     *                                  malformed, or a value is out of range
     */
    public static RouterConfig load(Path file) {
        return ConfigFiles.load(file, RouterConfigFile.class, (fields, dir) -> fields.toConfig(dir));
    }

    /** A builder with every default; {@code models} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RouterConfig}; every setter names the field it sets. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private String defaultModel;
        private final Map<String, List<String>> models = new LinkedHashMap<>();
        private final List<DrafterConfig> drafters = new ArrayList<>();
        private RoutesConfig routes;
        private final List<DomainRule> domainRules = new ArrayList<>();
        private List<String> detectLanguages;
        private String fallbackLanguage;
        private boolean lowAccuracyDetection;
        private Integer initialDraftLength;
        private int maxDraftLength = ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH;
        private double explorationRate = 0.1;
        private long explorationSeed;
        private HttpConfig http;
        private ReplicaHealthConfig replicaHealth;
        private TlsConfig tls;
        private AuthConfig auth;
        private ClientLimitsConfig limits;
        private TelemetryConfig telemetry;

        private Builder() {
        }

        public Builder port(int port) { this.port = port; return this; }

        public Builder defaultModel(String model) { this.defaultModel = model; return this; }

        /** Adds a model and its verifier replicas. */
        public Builder model(String name, String... verifierTargets) {
            models.put(name, List.of(verifierTargets));
            return this;
        }

        /** Adds every model of {@code byName} (null adds none); a model's targets are checked by build(). */
        public Builder models(Map<String, List<String>> byName) {
            if (byName != null) {
                models.putAll(byName);
            }
            return this;
        }

        public Builder drafter(DrafterConfig drafter) { drafters.add(drafter); return this; }

        /** Adds every drafter of {@code list} (null adds none). */
        public Builder drafters(List<DrafterConfig> list) {
            if (list != null) {
                drafters.addAll(list);
            }
            return this;
        }

        public Builder routes(RoutesConfig routes) { this.routes = routes; return this; }

        public Builder domainRule(String domain, String pattern) {
            domainRules.add(new DomainRule(domain, pattern));
            return this;
        }

        /** Adds every rule of {@code rules} (null adds none). */
        public Builder domainRules(List<DomainRule> rules) {
            if (rules != null) {
                domainRules.addAll(rules);
            }
            return this;
        }

        public Builder detectLanguages(List<String> codes) { this.detectLanguages = codes; return this; }

        public Builder fallbackLanguage(String code) { this.fallbackLanguage = code; return this; }

        public Builder lowAccuracyDetection(boolean low) { this.lowAccuracyDetection = low; return this; }

        public Builder initialDraftLength(int k) { this.initialDraftLength = k; return this; }

        public Builder maxDraftLength(int k) { this.maxDraftLength = k; return this; }

        public Builder explorationRate(double rate) { this.explorationRate = rate; return this; }

        public Builder explorationSeed(long seed) { this.explorationSeed = seed; return this; }

        public Builder http(HttpConfig http) { this.http = http; return this; }

        public Builder replicaHealth(ReplicaHealthConfig health) { this.replicaHealth = health; return this; }
        public Builder tls(TlsConfig tls) { this.tls = tls; return this; }

        public Builder auth(AuthConfig auth) { this.auth = auth; return this; }

        public Builder limits(ClientLimitsConfig limits) { this.limits = limits; return this; }

        public Builder telemetry(TelemetryConfig telemetry) { this.telemetry = telemetry; return this; }

        /** Validates and builds. */
        public RouterConfig build() {
            return new RouterConfig(port, defaultModel, models, drafters, routes, domainRules, detectLanguages,
                    fallbackLanguage, lowAccuracyDetection,
                    initialDraftLength == null ? Math.min(ProtocolLimits.DEFAULT_DRAFT_LENGTH, maxDraftLength) : initialDraftLength, maxDraftLength, explorationRate,
                    explorationSeed, http, tls, auth, limits, replicaHealth, telemetry);
        }
    }
}
