package dev.specula.cli.alignment;

import dev.specula.train.loop.DistillationObjective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the model family's GGUF files are, by the naming convention {@code specula-target.gguf} and
 * {@code specula-drafter-<scope>-<method>.gguf} (scope {@code general} or a language code).
 *
 * @param folder the models folder
 */
public record ModelFamily(Path folder) {

    /** The target's file name. */
    public static final String TARGET = "specula-target.gguf";

    /** The target's path, whether or not it exists. */
    public Path target() {
        return folder.resolve(TARGET);
    }

    /** The path of the drafter of {@code scope} distilled with {@code method}, whether or not it exists. */
    public Path drafter(String scope, DistillationObjective.Method method) {
        return folder.resolve("specula-drafter-" + scope + "-" + method.id() + ".gguf");
    }

    /** The drafter in {@code column} for {@code language}, when its file exists. */
    public Optional<Path> drafter(DrafterColumn column, String language) {
        Path path = drafter(column.scope(language), column.method());
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /**
     * The target's path.
     *
     * @throws IllegalArgumentException when the file is absent, naming the expected path
     */
    public Path requireTarget() {
        Path target = target();
        if (!Files.isRegularFile(target)) {
            throw new IllegalArgumentException("target model: " + target + " does not exist (expected: the family's target"
                    + " GGUF " + TARGET + " in the --models folder " + folder + ")");
        }
        return target;
    }
}
