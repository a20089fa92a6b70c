package dev.specula.cli;

import dev.specula.drafter.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.verifier.VerifierConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LoadBenchCommandTest {

    @Test
    void telemetrySettings_offOn_inOrder() {
        assertThat(LoadBenchCommand.telemetrySettings(new String[] {"on", "off"})).containsExactly(true, false);
    }

    @Test
    void telemetrySettings_unknownOrTwice_refusedNamingTheOption() {
        assertThatThrownBy(() -> LoadBenchCommand.telemetrySettings(new String[] {"metrics"}))
                .hasMessage("--telemetry: metrics (expected: off or on)");
        assertThatThrownBy(() -> LoadBenchCommand.telemetrySettings(new String[] {"on", "on"}))
                .hasMessageStartingWith("--telemetry: on given twice");
    }

    @Test
    void printThroughput_twoSettings_ratiosPairedByRound() {
        LoadReport report = new LoadReport(List.of("auto"), List.of("off", "on"), Map.of(
                "auto/off", List.of(round(100, 0), round(200, 0), round(50, 0)),
                "auto/on", List.of(round(97, 0), round(180, 2), round(50, 0))));
        String out = print(report::printThroughput);
        assertThat(out).containsPattern("auto +off +50\\.0 / 100\\.0 / 200\\.0 +\\(baseline\\) +\\(baseline\\)");
        assertThat(out).containsPattern("auto +on +50\\.0 / 97\\.0 / 180\\.0 +\\(baseline\\) +0\\.900x / 0\\.970x / "
                + "1\\.000x +6 +2 ");
        assertThat(out).contains("errors by cause: {UNAVAILABLE=2}");
    }

    @Test
    void printMemory_perProcess_changeInPercent() {
        LoadReport report = new LoadReport(List.of("auto"), List.of("on"), Map.of());
        String out = print(o -> report.printMemory(o, List.of("on"),
                List.of(Map.of("router", new LoadMesh.Memory(100_000, 50_000))),
                List.of(Map.of("router", new LoadMesh.Memory(108_000, -1)))));
        assertThat(out).containsPattern("on +router +102\\.4 / 110\\.6 / \\+8\\.0% +51\\.2 / - / -");
    }

    @Test
    void meshConfigs_otlpEndpoint_inEveryServicesTelemetry(@TempDir Path dir) throws Exception {
        Path models = Path.of("..", "models").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(models), "needs the model family in " + models);
        new MeshConfigs(1, 2, 3, -1, new MeshConfigs.MetricsPorts(4, 5, 6), "http://127.0.0.1:4318")
                .write(dir, DefaultModels.in(models));
        assertThat(RouterConfig.load(MeshConfigs.routerFile(dir)).telemetry().otlpEndpoint())
                .isEqualTo("http://127.0.0.1:4318");
        assertThat(VerifierConfig.load(MeshConfigs.verifierFile(dir)).telemetry().prometheusPort()).isEqualTo(5);
        assertThat(DrafterConfig.load(MeshConfigs.drafterFile(dir)).telemetry().otlpEndpoint())
                .isEqualTo("http://127.0.0.1:4318");
    }

    private static LoadDriver.Round round(double tokensPerSecond, long errors) {
        return new LoadDriver.Round(tokensPerSecond, 2, errors == 0 ? Map.of() : Map.of("UNAVAILABLE", errors),
                Map.of(), 0, List.of(10.0));
    }

    private static String print(java.util.function.Consumer<PrintStream> printer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        printer.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
