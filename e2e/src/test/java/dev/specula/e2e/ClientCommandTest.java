package dev.specula.e2e;

import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.cli.SpeculaMain;

import com.google.protobuf.util.JsonFormat;
import dev.specula.proto.v1.GenerateResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code specula client} against a running mesh, as a user runs it. */
class ClientCommandTest {

    @TempDir
    Path work;

    @Test
    void client_json_printsOneEventPerLineEndingWithTheSummary() throws Exception {
        try (LocalMesh mesh = TestMeshes.start(LocalMesh.Mode.ONE_JVM, work)) {
            String stdout = run("client", "--target", mesh.routerTarget(), "--prompt", "Once upon a time",
                    "--max-tokens", "12", "--json");
            List<GenerateResponse> events = new ArrayList<>();
            for (String line : stdout.strip().split("\n")) {
                GenerateResponse.Builder event = GenerateResponse.newBuilder();
                JsonFormat.parser().merge(line, event);
                events.add(event.build());
            }
            assertThat(events.getLast().hasSummary()).isTrue();
            assertThat(events.getLast().getSummary().getCompletionTokens()).isEqualTo(12);
            assertThat(events.subList(0, events.size() - 1)).allMatch(GenerateResponse::hasDelta)
                    .flatExtracting(e -> e.getDelta().getTokenIdsList()).hasSize(12);
        }
    }

    @Test
    void client_plain_streamsTheText() throws Exception {
        try (LocalMesh mesh = TestMeshes.start(LocalMesh.Mode.ONE_JVM, work);
             MeshClient direct = new MeshClient(mesh.routerTarget())) {
            String expected = direct.generate(dev.specula.proto.v1.GenerateRequest.newBuilder()
                    .setPrompt("Tom and his dog").setMaxTokens(20).build()).text();
            String stdout = run("client", "--target", mesh.routerTarget(), "--prompt", "Tom and his dog",
                    "--max-tokens", "20");
            assertThat(stdout).isEqualTo(expected + System.lineSeparator());
        }
    }

    @Test
    void client_noRouter_failsWithTheAddressAndExitCode3() {
        StringWriter err = new StringWriter();
        var cli = SpeculaMain.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("client", "--target", "localhost:1", "--prompt", "hi");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).startsWith("specula client: UNAVAILABLE: router at localhost:1");
    }

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertThat(SpeculaMain.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
