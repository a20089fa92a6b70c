package dev.specula.e2e;

import dev.specula.engine.model.GgufExport;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.tensor.GgmlType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The models the mesh runs out of the box: stories260K from {@code ../shared} as target, and two drafters
 * derived from it with the engine's GGUF writer (written once under {@code target/models/}): a Q8_0 copy
 * (close to the target: high acceptance) and its first four layers (cheaper, lower acceptance). They stand in
 * until the bundled multilingual family exists.
 *
 * @param target          the target model file
 * @param targetTokenizer its tokenizer (llama2.c format)
 * @param drafterQ8       the Q8_0 copy
 * @param drafterFourLayers the first four layers, Q8_0
 */
public record DefaultModels(Path target, Path targetTokenizer, Path drafterQ8, Path drafterFourLayers) {

    /** The project root: {@code -Dspecula.home} (set by the launcher), else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("specula.home", ".")).toAbsolutePath().normalize();
    }

    /** Finds the target under {@code ../shared} and writes the derived drafters if they are missing. */
    public static DefaultModels ensure() throws IOException {
        Path home = home();
        Path dir = home.resolveSibling("shared").resolve("models/stories260K");
        Path model = dir.resolve("stories260K.bin");
        Path tokenizer = dir.resolve("tok512.bin");
        if (!Files.isRegularFile(model) || !Files.isRegularFile(tokenizer)) {
            throw new IOException("default models: " + model + " or " + tokenizer
                    + " not found (expected: the shared data folder beside the project, ../shared)");
        }
        Path out = home.resolve("target/models");
        Files.createDirectories(out);
        Path q8 = out.resolve("stories260K-q8_0.gguf");
        Path fourLayers = out.resolve("stories260K-4layers-q8_0.gguf");
        try (ModelFile file = ModelFile.open(model, tokenizer)) {
            if (!Files.exists(q8)) {
                writeAtomically(q8, tmp -> GgufExport.write(file, GgmlType.Q8_0, tmp));
            }
            if (!Files.exists(fourLayers)) {
                writeAtomically(fourLayers, tmp -> GgufExport.writeFirstLayers(file, 4, GgmlType.Q8_0, tmp));
            }
        }
        return new DefaultModels(model, tokenizer, q8, fourLayers);
    }

    private interface Writer {
        void write(Path file) throws IOException;
    }

    /** Concurrent first runs (tests, processes) must never see a half-written file. */
    private static void writeAtomically(Path file, Writer writer) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            writer.write(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
