package dev.specula.verifier;

import dev.specula.telemetry.TelemetryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifierConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("verifier.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void load_onlyModel_defaultsAndPathRelativeToFile() throws IOException {
        VerifierConfig c = VerifierConfig.load(write("model: models/target.gguf\n"));
        assertThat(c.id()).isEqualTo("verifier");
        assertThat(c.port()).isEqualTo(50052);
        assertThat(c.model()).isEqualTo(dir.toAbsolutePath().resolve("models/target.gguf"));
        assertThat(c.modelName()).isEqualTo("target");
        assertThat(c.tokenizer()).isNull();
        assertThat(c.backend()).isEqualTo("vector");
        assertThat(c.maxSessions()).isEqualTo(64);
        assertThat(c.blockDeadlineMs()).isEqualTo(1000);
        assertThat(c.defaultMaxTokens()).isEqualTo(256);
        assertThat(c.drafterOpenTimeoutMs()).isEqualTo(2000);
    }

    @Test
    void load_everyField_read() throws IOException {
        VerifierConfig c = VerifierConfig.load(write("""
                id: v-1
                port: 6000
                modelName: stories
                model: /abs/stories260K.bin
                tokenizer: tok512.bin
                backend: naive
                maxSessions: 3
                blockDeadlineMs: 250
                defaultMaxTokens: 100
                drafterOpenTimeoutMs: 700
                maxQueuedSessions: 5
                maxQueueWaitMs: 1500
                """));
        assertThat(c).isEqualTo(new VerifierConfig("v-1", 6000, "stories", Path.of("/abs/stories260K.bin"),
                dir.toAbsolutePath().resolve("tok512.bin"), "naive", 3, 250, 100, 700, 5, 1500, null,
                TelemetryConfig.OFF));
    }

    @Test
    void load_badField_messageNamesFileAndField() throws IOException {
        Path file = write("model: m.gguf\nmaxSessions: 0\n");
        assertThatThrownBy(() -> VerifierConfig.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("maxSessions: 0 (expected: >= 1)");
    }

    @Test
    void load_unknownBackend_messageNamesField() throws IOException {
        Path file = write("model: m.gguf\nbackend: cuda9\n");
        assertThatThrownBy(() -> VerifierConfig.load(file)).hasMessageContaining("backend: cuda9");
    }

    @Test
    void load_missingModel_messageNamesField() throws IOException {
        Path file = write("id: x\n");
        assertThatThrownBy(() -> VerifierConfig.load(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("model: absent");
    }

    @Test
    void load_unknownField_rejectedNamingIt() throws IOException {
        Path file = write("model: m.gguf\nblockDeadline: 5\n");
        assertThatThrownBy(() -> VerifierConfig.load(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("blockDeadline");
    }

    @Test
    void load_wrongType_rejectedNamingFile() throws IOException {
        Path file = write("model: m.gguf\nport: many\n");
        assertThatThrownBy(() -> VerifierConfig.load(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("port");
    }

    @Test
    void builder_badValues_namesField() {
        Path m = Path.of("m.gguf");
        assertThatThrownBy(() -> VerifierConfig.builder(m).port(70000).build()).hasMessageContaining("port: 70000");
        assertThatThrownBy(() -> VerifierConfig.builder(m).blockDeadlineMs(0).build())
                .hasMessageContaining("blockDeadlineMs: 0");
        assertThatThrownBy(() -> VerifierConfig.builder(m).defaultMaxTokens(0).build())
                .hasMessageContaining("defaultMaxTokens: 0");
        assertThatThrownBy(() -> VerifierConfig.builder(m).drafterOpenTimeoutMs(-1).build())
                .hasMessageContaining("drafterOpenTimeoutMs: -1");
        assertThatThrownBy(() -> VerifierConfig.builder(m).id(" ").build()).hasMessageContaining("id: empty");
    }

    @Test
    void load_exampleFile_valid() {
        // The example users copy, in the project's config/ folder (tests run in verifier-service/).
        VerifierConfig c = VerifierConfig.load(Path.of("../config/verifier.yaml"));
        assertThat(c.modelName()).isEqualTo("specula-target");
        assertThat(c.model().getFileName().toString()).isEqualTo("specula-target.gguf");
        assertThat(c.tokenizer()).as("embedded in the GGUF").isNull();
    }
}
