package dev.specula.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the configuration files of a mesh on loopback with the default models: the same YAML a user would
 * write (see config/ in the project root), with the ports of this deployment.
 *
 * @param drafterPort  where the drafter listens
 * @param verifierPort where the verifier listens
 * @param routerPort   where the router listens
 */
public record MeshConfigs(int drafterPort, int verifierPort, int routerPort) {

    /** The drafter ids the default mesh serves. */
    public static final String DRAFTER_Q8 = "stories-q8";
    public static final String DRAFTER_FOUR_LAYERS = "stories-4layers";

    /** Writes drafter.yaml, verifier.yaml and router.yaml into {@code dir}. */
    public void write(Path dir, DefaultModels models) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(drafterFile(dir), """
                port: %d
                backend: vector
                models:
                  - id: %s
                    model: %s
                    languages: [en]
                    domains: [general]
                  - id: %s
                    model: %s
                    languages: []
                    domains: [general]
                """.formatted(drafterPort, DRAFTER_Q8, models.drafterQ8(), DRAFTER_FOUR_LAYERS,
                models.drafterFourLayers()));
        Files.writeString(verifierFile(dir), """
                id: verifier-0
                port: %d
                modelName: stories260K
                model: %s
                tokenizer: %s
                backend: vector
                """.formatted(verifierPort, models.target(), models.targetTokenizer()));
        Files.writeString(routerFile(dir), """
                port: %d
                defaultModel: stories260K
                models:
                  stories260K: ["localhost:%d"]
                drafters:
                  - id: %s
                    targets: ["localhost:%d"]
                    languages: [en]
                  - id: %s
                    targets: ["localhost:%d"]
                routes:
                  defaultDrafters: [%s]
                  languages:
                    en: [%s]
                detectLanguages: [en, de, fr, es, it, pt, nl, ru, ja, zh, ko]
                """.formatted(routerPort, verifierPort, DRAFTER_Q8, drafterPort, DRAFTER_FOUR_LAYERS, drafterPort,
                DRAFTER_FOUR_LAYERS, DRAFTER_Q8));
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
