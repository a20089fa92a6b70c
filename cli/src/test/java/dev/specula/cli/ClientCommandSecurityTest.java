package dev.specula.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where {@code specula client} takes its bearer token and TLS files from, and how bad ones are refused. */
class ClientCommandSecurityTest {

    @TempDir
    Path dir;

    private static ClientCommand parse(Map<String, String> environment, String... args) {
        ClientCommand command = new ClientCommand();
        new CommandLine(command).parseArgs(args);
        command.environment = environment::get;
        return command;
    }

    @Test
    void token_optionThenFileThenEnvironment() throws IOException {
        Map<String, String> env = Map.of(ClientCommand.TOKEN_ENV, " from-env\n");
        Path file = Files.writeString(dir.resolve("token"), "\n  from-file  \nsecond-line\n");

        assertThat(parse(env, "--prompt", "p", "--token", "from-option").token()).isEqualTo("from-option");
        assertThat(parse(env, "--prompt", "p", "--token-file", file.toString()).token()).isEqualTo("from-file");
        assertThat(parse(env, "--prompt", "p").token()).isEqualTo("from-env");
        assertThat(parse(Map.of(), "--prompt", "p").token()).isNull();
    }

    @Test
    void token_badSources_nameTheOption() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n\n");
        assertThatThrownBy(() -> parse(Map.of(), "--prompt", "p", "--token", "a", "--token-file", empty.toString()).token())
                .hasMessageStartingWith("--token, --token-file: both given");
        assertThatThrownBy(() -> parse(Map.of(), "--prompt", "p", "--token-file", empty.toString()).token())
                .hasMessageStartingWith("--token-file: ").hasMessageContaining("is empty");
        assertThatThrownBy(() -> parse(Map.of(), "--prompt", "p", "--token-file", dir.resolve("absent").toString()).token())
                .hasMessageStartingWith("--token-file: ").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> new MeshClient.Security(false, null, null, null, null, "two words"))
                .hasMessageStartingWith("token (--token, --token-file or SPECULA_API_TOKEN): ");
    }

    @Test
    void tls_certWithoutKey_andUnreadableCa_areRefusedWithTheOption() {
        assertThatThrownBy(() -> new MeshClient.Security(false, null, dir.resolve("c.pem"), null, null, null))
                .hasMessageStartingWith("--tls-cert: given without --tls-key");
        assertThatThrownBy(() -> new MeshClient("localhost:1",
                new MeshClient.Security(false, dir.resolve("absent-ca.pem"), null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--tls-ca ");
        assertThat(new MeshClient.Security(false, dir.resolve("ca.pem"), null, null, null, null).tls())
                .as("--tls-ca implies TLS").isTrue();
    }
}
