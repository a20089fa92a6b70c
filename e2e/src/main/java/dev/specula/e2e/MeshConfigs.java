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

    /** The drafter ids of the default mesh: each drafter's id is its file name without the extension. */
    public static final String DRAFTER_Q8 = "stories260K-q8_0";
    public static final String DRAFTER_FOUR_LAYERS = "stories260K-4layers-q8_0";

    /** A model's name in the mesh (drafter id, target model name): its file's name without the extension. */
    public static String modelId(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * Writes drafter.yaml, verifier.yaml and router.yaml into {@code dir}. English routes to the close drafter
     * first; every other language to the smaller one.
     */
    public void write(Path dir, DefaultModels models) throws IOException {
        Files.createDirectories(dir);
        String close = modelId(models.drafterQ8());
        String small = modelId(models.drafterFourLayers());
        Files.writeString(drafterFile(dir), """
                port: %d
                backend: vector
                models:
                  - id: %s
                    model: %s
                    languages: [en]
                    domains: [general]
                """.formatted(drafterPort, close, models.drafterQ8()) + (small.equals(close) ? "" : """
                  - id: %s
                    model: %s
                    languages: []
                    domains: [general]
                """.formatted(small, models.drafterFourLayers())));
        Files.writeString(verifierFile(dir), """
                id: verifier-0
                port: %d
                modelName: %s
                model: %s
                backend: vector
                """.formatted(verifierPort, modelId(models.target()), models.target())
                + (models.targetTokenizer() == null ? "" : "tokenizer: " + models.targetTokenizer() + "\n"));
        Files.writeString(routerFile(dir), """
                port: %d
                defaultModel: %s
                models:
                  %s: ["localhost:%d"]
                drafters:
                  - id: %s
                    targets: ["localhost:%d"]
                    languages: [en]
                """.formatted(routerPort, modelId(models.target()), modelId(models.target()), verifierPort, close,
                drafterPort) + (small.equals(close) ? "" : """
                  - id: %s
                    targets: ["localhost:%d"]
                """.formatted(small, drafterPort)) + """
                routes:
                  defaultDrafters: [%s]
                  languages:
                    en: [%s]
                detectLanguages: [en, de, fr, es, it, pt, nl, ru, ja, zh, ko]
                """.formatted(small, close));
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
