package dev.specula.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starting the default mesh from tests: skips when ../shared (the default target model) is absent. */
final class TestMeshes {

    private TestMeshes() {
    }

    /** The default models, or the test is skipped with the reason. */
    static DefaultModels defaultModels() throws IOException {
        // Tests run in e2e/; the project root is its parent, and ../shared sits beside the root.
        Path root = Path.of("").toAbsolutePath().getParent();
        Path target = root.resolveSibling("shared").resolve("models/stories260K/stories260K.bin");
        assumeTrue(Files.isRegularFile(target), "needs ../shared/models/stories260K/stories260K.bin: absent, test skipped");
        System.setProperty("specula.home", root.toString());
        return DefaultModels.ensure();
    }

    static LocalMesh start(LocalMesh.Mode mode, Path workDir) throws IOException {
        return LocalMesh.start(defaultModels(), 0, mode, workDir, step -> { });
    }
}
