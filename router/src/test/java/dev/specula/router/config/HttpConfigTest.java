package dev.specula.router.config;

import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.router.chat.ChatTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpConfigTest {

    @TempDir
    Path dir;

    private RouterConfig load(String yaml) throws IOException {
        Path file = dir.resolve("router.yaml");
        Files.writeString(file, "models:\n  m: [verifier:50052]\n  n: [verifier:50052]\ndefaultModel: m\n" + yaml);
        return RouterConfig.load(file);
    }

    @Test
    void load_noHttpSection_noHttpApi() throws IOException {
        assertThat(load("").http()).isNull();
    }

    @Test
    void load_emptyHttpSection_defaults() throws IOException {
        HttpConfig http = load("http: {}\n").http();

        assertThat(http.port()).isEqualTo(HttpConfig.DEFAULT_PORT);
        assertThat(http.maxBodyBytes()).isEqualTo(HttpConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(http.chatTemplates()).isEmpty();
    }

    @Test
    void load_chatTemplate_relativeFileResolvesAgainstTheConfigFolderAndRenders() throws IOException {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/m.jinja"), "{{ bos_token }}{{ messages[0].content }}\n");
        HttpConfig http = load("""
                http:
                  port: 0
                  maxBodyBytes: 2048
                  chatTemplates:
                    m: {file: templates/m.jinja, bosToken: "<s>", eosToken: "</s>"}
                """).http();

        assertThat(http.chatTemplates().get("m").file()).isEqualTo(dir.toAbsolutePath().resolve("templates/m.jinja"));
        ChatTemplates templates = ChatTemplates.load(java.util.Set.of("m", "n"), http.chatTemplates(), HttpConfigTest::noTemplate);
        assertThat(templates.of("m").isDefault()).isFalse();
        assertThat(templates.of("m").render(List.of(Map.of("role", "user", "content", "hi")), true, Map.of()))
                .isEqualTo("<s>hi");
        assertThat(templates.of("n").isDefault()).isTrue();
    }

    @Test
    void load_badPortOrUnknownKey_refusedNamingTheField() {
        assertThatThrownBy(() -> load("http: {port: 70000}\n")).hasMessageContaining("http.port: 70000");
        assertThatThrownBy(() -> load("http: {prot: 1}\n")).hasMessageContaining("prot");
    }

    @Test
    void templates_modelNotServedOrFileMissing_refusedNamingThem() {
        Map<String, HttpConfig.ChatTemplateConfig> unknown = Map.of("x", new HttpConfig.ChatTemplateConfig(dir.resolve("a"), "", ""));
        assertThatThrownBy(() -> ChatTemplates.load(java.util.Set.of("m"), unknown, HttpConfigTest::noTemplate))
                .hasMessageContaining("http.chatTemplates.x: not a configured model");
        Map<String, HttpConfig.ChatTemplateConfig> missing = Map.of("m", new HttpConfig.ChatTemplateConfig(dir.resolve("none.jinja"), "", ""));
        assertThatThrownBy(() -> ChatTemplates.load(java.util.Set.of("m"), missing, HttpConfigTest::noTemplate))
                .hasMessageContaining("http.chatTemplates.m.file: cannot read").hasMessageContaining("none.jinja");
    }

    /** A verifier's answer for a model file without a chat template. */
    private static DescribeModelResponse noTemplate(String model) {
        return DescribeModelResponse.newBuilder().setModelName(model).build();
    }
}
