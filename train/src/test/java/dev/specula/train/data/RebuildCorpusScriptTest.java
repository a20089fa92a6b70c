package dev.specula.train.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code rebuild-corpus.sh} needs apt and the network, so the build only checks that it parses and names the
 * package versions the shared corpus was built from.
 */
class RebuildCorpusScriptTest {

    static final Path SCRIPT = Path.of("src/main/scripts/rebuild-corpus.sh"); // surefire runs in the module folder

    @Test
    void script_bashNoExec_parses() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "needs bash: absent, test skipped");
        Process bash = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String output = new String(bash.getInputStream().readAllBytes());

        assertThat(bash.exitValue()).as(output).isZero();
        assertThat(Files.isExecutable(SCRIPT)).as(SCRIPT + " executable").isTrue();
    }

    @Test
    void script_packages_pinnedToTheSharedCorpusVersions() throws IOException {
        String script = Files.readString(SCRIPT);

        assertThat(script).contains("20230508+deb12u1", "VERSION_REFERENCE-2.100", "reference_languages=(en de fr es it ja pt zh-cn)");
    }
}
