package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.LocalMesh;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Starting the default mesh from tests, on the model family committed in models/: a missing file fails the
 * test with the file named (it is part of the project, not optional data).
 */
final class TestMeshes {

    private TestMeshes() {
    }

    /** The default models, from the project root's models/ folder. */
    static DefaultModels defaultModels() throws IOException {
        // Tests run in e2e/; the project root is its parent.
        Path root = Path.of("").toAbsolutePath().getParent();
        System.setProperty("specula.home", root.toString());
        return DefaultModels.find();
    }

    static LocalMesh start(LocalMesh.Mode mode, Path workDir) throws IOException {
        return LocalMesh.start(defaultModels(), 0, mode, workDir, step -> { });
    }
}
