package dev.specula.cli;

import dev.specula.engine.model.ModelFile;
import dev.specula.train.widen.Widening;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code specula widen} and the cached widened target of {@link DefaultModels#withWidenedTarget}. */
class WidenCommandTest {

    /** The family target, committed in the project root's models/ (tests run in cli/). */
    private static final Path FAMILY_TARGET =
            Path.of("").toAbsolutePath().getParent().resolve("models/specula-target.gguf");

    @TempDir
    Path dir;

    @Test
    void widen_familyTargetFactorTwo_writesTheWidenedModelAndSaysWhat() throws Exception {
        Path out = dir.resolve("wide.gguf");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            exit = SpeculaMain.commandLine().execute("widen", "--model", FAMILY_TARGET.toString(), "--out",
                    out.toString(), "--factor", "2");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .contains("widened x2: 14,162,304 -> 56,636,160 parameters", "0 stored weights not exact copies");
        try (ModelFile in = ModelFile.open(FAMILY_TARGET, null); ModelFile wide = ModelFile.open(out, null)) {
            assertThat(wide.config()).isEqualTo(Widening.widenedConfig(in.config(), 2));
        }
    }

    @Test
    void obtain_secondCall_usesTheCachedFile() throws Exception {
        List<String> progress = new ArrayList<>();
        Path first = WidenedTarget.obtain(FAMILY_TARGET, 2, dir, progress::add);
        int madeMessages = progress.size();
        Path second = WidenedTarget.obtain(FAMILY_TARGET, 2, dir, progress::add);
        assertThat(second).isEqualTo(first);
        assertThat(first.getFileName().toString()).matches("specula-target-x2-[0-9a-f]{12}\\.gguf");
        assertThat(progress).hasSize(madeMessages).first().asString().contains("first use");
        try (var files = Files.list(first.getParent())) {
            assertThat(files).containsExactly(first); // no partial file left behind
        }
    }
}
