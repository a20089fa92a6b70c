package dev.specula.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the configuration files of a mesh on loopback with the default models: the same YAML a user would
 * write (see config/ in the project root), with the ports of this deployment.
 *
 * @param drafterPort  where the drafter listens
 * @param verifierPort where the verifier listens
 * @param routerPort   where the router listens
 * @param httpPort     where the router serves its OpenAI-compatible HTTP API; -1 for none
 * @param metricsPorts where each service serves its Prometheus endpoint, on loopback; {@link MetricsPorts#NONE}
 * @param otlpEndpoint where every service pushes its traces and metrics over OTLP/HTTP ("http://host:4318"); empty
 *                     for none
 * @param apiTokens    the router's {@code auth.tokensFile}: the bearer tokens its gRPC and HTTP APIs require; null
 *                     for none
 */
public record MeshConfigs(int drafterPort, int verifierPort, int routerPort, int httpPort, MetricsPorts metricsPorts,
                          String otlpEndpoint, Path apiTokens) {

    /**
     * The Prometheus endpoints' ports of the three services; 0 for none.
     *
     * @param router   the router's
     * @param verifier the verifier's
     * @param drafter  the drafter's
     */
    public record MetricsPorts(int router, int verifier, int drafter) {

        /** No Prometheus endpoints. */
        public static final MetricsPorts NONE = new MetricsPorts(0, 0, 0);

        /** {@code base} for the router, the next two for the verifier and the drafter. */
        public static MetricsPorts from(int base) {
            return new MetricsPorts(base, base + 1, base + 2);
        }
    }

    public MeshConfigs {
        Objects.requireNonNull(metricsPorts, "metricsPorts");
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
    }

    /** A mesh without OTLP export whose APIs require no token. */
    public MeshConfigs(int drafterPort, int verifierPort, int routerPort, int httpPort, MetricsPorts metricsPorts) {
        this(drafterPort, verifierPort, routerPort, httpPort, metricsPorts, "", null);
    }

    /** A mesh exporting over OTLP to {@code otlpEndpoint} whose APIs require no token. */
    public MeshConfigs(int drafterPort, int verifierPort, int routerPort, int httpPort, MetricsPorts metricsPorts,
                       String otlpEndpoint) {
        this(drafterPort, verifierPort, routerPort, httpPort, metricsPorts, otlpEndpoint, null);
    }

    /** A mesh without OTLP export whose APIs require the tokens of {@code apiTokens}. */
    public MeshConfigs(int drafterPort, int verifierPort, int routerPort, int httpPort, MetricsPorts metricsPorts,
                       Path apiTokens) {
        this(drafterPort, verifierPort, routerPort, httpPort, metricsPorts, "", apiTokens);
    }

    /** A mesh without the HTTP API. */
    public MeshConfigs(int drafterPort, int verifierPort, int routerPort) {
        this(drafterPort, verifierPort, routerPort, -1);
    }

    /** A mesh without Prometheus endpoints. */
    public MeshConfigs(int drafterPort, int verifierPort, int routerPort, int httpPort) {
        this(drafterPort, verifierPort, routerPort, httpPort, MetricsPorts.NONE);
    }


    /** A model's name in the mesh (drafter id, target model name): its file's name without the extension. */
    public static String modelId(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * Writes drafter.yaml, verifier.yaml and router.yaml into {@code dir}. One drafter service hosts every
     * drafter; each language with a specialised drafter routes to it first and then to the general drafter,
     * every other language to the general drafter.
     */
    public void write(Path dir, DefaultModels models) throws IOException {
        Files.createDirectories(dir);
        String general = modelId(models.generalDrafter());
        StringBuilder drafter = new StringBuilder("""
                port: %d
                backend: vector
                models:
                """.formatted(drafterPort));
        StringBuilder routerDrafters = new StringBuilder();
        for (Path model : models.drafters()) {
            List<String> languages = models.languageDrafters().entrySet().stream()
                    .filter(e -> e.getValue().equals(model)).map(Map.Entry::getKey).toList();
            drafter.append("""
                      - id: %s
                        model: %s
                        languages: %s
                        domains: [general]
                    """.formatted(modelId(model), model, languages));
            routerDrafters.append("""
                      - id: %s
                        targets: ["localhost:%d"]
                        languages: %s
                    """.formatted(modelId(model), drafterPort, languages));
        }
        StringBuilder routes = new StringBuilder();
        models.languageDrafters().forEach((language, model) -> routes.append("    %s: [%s]\n".formatted(language,
                model.equals(models.generalDrafter()) ? general : modelId(model) + ", " + general)));
        Files.writeString(drafterFile(dir), drafter + telemetry(metricsPorts.drafter()));
        Files.writeString(verifierFile(dir), """
                id: verifier-0
                port: %d
                modelName: %s
                model: %s
                backend: vector
                """.formatted(verifierPort, modelId(models.target()), models.target())
                + (models.targetTokenizer() == null ? "" : "tokenizer: " + models.targetTokenizer() + "\n")
                + telemetry(metricsPorts.verifier()));
        Files.writeString(routerFile(dir), """
                port: %d
                defaultModel: %s
                models:
                  %s: ["localhost:%d"]
                drafters:
                """.formatted(routerPort, modelId(models.target()), modelId(models.target()), verifierPort)
                + routerDrafters + """
                routes:
                  defaultDrafters: [%s]
                """.formatted(general) + (routes.isEmpty() ? "" : "  languages:\n" + routes) + """
                detectLanguages: %s
                """.formatted(DefaultModels.DETECT_LANGUAGES)
                + (httpPort < 0 ? "" : "http:\n  port: " + httpPort + "\n")
                + (apiTokens == null ? "" : "auth:\n  tokensFile: \"" + apiTokens.toAbsolutePath() + "\"\n")
                + telemetry(metricsPorts.router()));
    }

    /** A service's telemetry section: its Prometheus endpoint on loopback (none for port 0) and OTLP export; nothing
     * when neither is set. */
    private String telemetry(int prometheusPort) {
        if (prometheusPort == 0 && otlpEndpoint.isEmpty()) {
            return "";
        }
        return "telemetry:\n"
                + (prometheusPort == 0 ? "" : "  prometheusPort: " + prometheusPort + "\n  prometheusHost: 127.0.0.1\n")
                + (otlpEndpoint.isEmpty() ? "" : "  otlpEndpoint: " + otlpEndpoint + "\n");
    }

    public static Path drafterFile(Path dir) {
        return dir.resolve("drafter.yaml");
    }

    public static Path verifierFile(Path dir) {
        return dir.resolve("verifier.yaml");
    }

    public static Path routerFile(Path dir) {
        return dir.resolve("router.yaml");
    }
}
