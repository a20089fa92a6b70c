package dev.specula.router.chat;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates test data in the {@code shared/} folder beside the repository root, which is not part of the
 * repository: {@code ../shared} for a run from the root, {@code ../../shared} for a run from the module.
 */
final class SharedData {

    private static final String[] ROOTS = {"../shared", "../../shared"};

    private SharedData() {
    }

    /** {@code shared/<relative>}, skipping the calling test when it is absent. */
    static Path require(String relative) {
        for (String root : ROOTS) {
            Path candidate = Path.of(root).resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        Assumptions.assumeTrue(false, "needs ../shared/" + relative + ": absent, test skipped");
        throw new IllegalStateException("unreachable");
    }
}
