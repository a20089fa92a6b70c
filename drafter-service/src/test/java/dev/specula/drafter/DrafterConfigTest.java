package dev.specula.drafter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DrafterConfigTest {

    @TempDir
    Path dir;

    @Test
    void load_exampleFile_readsEveryField() throws URISyntaxException {
        Path file = Path.of(Objects.requireNonNull(getClass().getResource("drafter-example.yaml")).toURI());
        DrafterConfig config = DrafterConfig.load(file);

        assertThat(config.port()).isEqualTo(50100);
        assertThat(config.backend()).isEqualTo("naive");
        assertThat(config.maxSessions()).isEqualTo(32);
        assertThat(config.minConfidence()).isEqualTo(0.25);
        assertThat(config.models()).hasSize(3);
        DrafterConfig.ModelSpec general = config.models().get(0);
        assertThat(general.id()).isEqualTo("specula-drafter-general-kl");
        assertThat(general.model()).isEqualTo(file.getParent().resolve("models/specula-drafter-general-kl.gguf"));
        assertThat(general.tokenizer()).as("embedded in the GGUF").isNull();
        assertThat(general.languages()).isEmpty();
        assertThat(general.domains()).containsExactly("general");
        DrafterConfig.ModelSpec german = config.models().get(1);
        assertThat(german.model()).isEqualTo(Path.of("/opt/specula/models/specula-drafter-de-kl.gguf"));
        assertThat(german.languages()).containsExactly("de");
        DrafterConfig.ModelSpec llama2c = config.models().get(2);
        assertThat(llama2c.model()).isEqualTo(file.getParent().resolve("models/draft.bin"));
        assertThat(llama2c.tokenizer()).isEqualTo(file.getParent().resolve("models/tokenizer.bin"));
        assertThat(llama2c.languages()).containsExactly("en", "de");
        assertThat(llama2c.domains()).isEmpty();
    }

    @Test
    void load_onlyModels_takesTheDefaults() throws IOException {
        DrafterConfig config = DrafterConfig.load(write("models:\n  - id: a\n    model: a.gguf\n"));
        assertThat(config.port()).isEqualTo(DrafterConfig.DEFAULT_PORT);
        assertThat(config.backend()).isEqualTo("vector");
        assertThat(config.maxSessions()).isEqualTo(64);
        assertThat(config.minConfidence()).isZero();
        assertThat(config.models()).extracting(DrafterConfig.ModelSpec::id).containsExactly("a");
    }

    @Test
    void load_missingFile_namesTheFile() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> DrafterConfig.load(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(missing + ": cannot be read (java.nio.file.NoSuchFileException");
    }

    @Test
    void load_badFields_nameTheFileAndTheField() throws IOException {
        String model = "models:\n  - id: a\n    model: a.gguf\n";
        List<List<String>> cases = List.of(
                List.of("port: 50053\n", "models: missing"),
                List.of("models: []\n", "models: none"),
                List.of("models:\n  - model: a.gguf\n", "models[0].id: missing"),
                List.of("models:\n  - id: a\n", "models[0].model: missing"),
                List.of("models:\n  - id: a\n    model: a.gguf\n  - id: a\n    model: b.gguf\n", "models[1].id: a appears twice"),
                List.of("models:\n  - id: a\n    model: a.gguf\n    languages: en\n", "models[0].languages: "),
                List.of("models:\n  - id: a\n    model: a.gguf\n    colour: red\n", "models[0].colour: Unrecognized property"),
                List.of("backend: tpu\n" + model, "backend: tpu (expected: one of [naive, vector, cuda, auto])"),
                List.of("port: 70000\n" + model, "port: 70000"),
                List.of("port: fifty\n" + model, "port: Cannot deserialize"),
                List.of("maxSessions: 0\n" + model, "maxSessions: 0"),
                List.of("minConfidence: 1.0\n" + model, "minConfidence: 1.0"),
                List.of("threads: 4\n" + model, "threads: Unrecognized property"),
                List.of("- just\n- a list\n", "Cannot deserialize"),
                List.of("models: [\n", ""));
        for (List<String> c : cases) {
            Path file = write(c.get(0));
            assertThatThrownBy(() -> DrafterConfig.load(file)).as(c.get(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(file + ": " + c.get(1));
        }
    }

    @Test
    void builder_withoutModels_isRefused() {
        assertThatThrownBy(() -> DrafterConfig.builder().build()).hasMessageStartingWith("models: none");
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "drafter", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
