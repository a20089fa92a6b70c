package dev.specula.engine;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates test data in the {@code shared/} folder beside the repository root (models, tokenizers), which is
 * not part of the repository. Surefire runs in the module folder, so {@code ../shared} is tried first for a
 * run from the root and {@code ../../shared} for a run from a module.
 */
public final class SharedData {

    private static final String[] ROOTS = {"../shared", "../../shared"};

    private SharedData() {
    }

    /** {@code shared/<relative>} from the first candidate root that exists, else from the first candidate. */
    public static Path path(String relative) {
        for (String root : ROOTS) {
            Path candidate = Path.of(root).resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return Path.of(ROOTS[0]).resolve(relative);
    }

    /** Like {@link #path}, but skips the calling test when the file is absent. */
    public static Path require(String relative) {
        Path path = path(relative);
        Assumptions.assumeTrue(Files.exists(path), "needs ../shared/" + relative + ": absent, test skipped");
        return path;
    }
}
