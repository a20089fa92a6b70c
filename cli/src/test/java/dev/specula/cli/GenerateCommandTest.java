package dev.specula.cli;

import dev.specula.engine.SharedData;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code specula generate} end to end: stdout carries only the completion; bad flags fail with a clear line. */
class GenerateCommandTest {

    @Test
    void generate_goldenCommand_printsExactlyTheGoldenText() throws Exception {
        String model = SharedData.require("models/stories260K/stories260K.bin").toString();
        String tokenizer = SharedData.require("models/stories260K/tok512.bin").toString();
        List<String> golden = Files.readAllLines(SharedData.require("models/stories260K/golden_greedy_bos_256.txt"));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            exit = SpeculaMain.commandLine().execute("generate", "--model", model, "--tokenizer", tokenizer,
                    "--prompt", "", "--max-tokens", "256", "--temperature", "0");
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8))
                .isEqualTo(String.join("\n", golden.subList(2, golden.size())) + "\n");
    }

    @Test
    void generate_badFlags_failWithMessageNamingTheFlag() {
        assertThat(run("generate", "--model", "x.bin", "--max-tokens", "0")).contains("--max-tokens: 0 (expected: > 0)");
        assertThat(run("generate", "--model", "x.bin", "--temperature", "-1")).contains("temperature");
        assertThat(run("generate", "--model", "x.bin", "--top-p", "1.5")).contains("topP: 1.5");
        assertThat(run("generate", "--model", "missing.gguf")).contains("missing.gguf: no such model file");
        assertThat(run("generate", "--model", "x.bin", "--backend", "gpu")).contains("backend: gpu");
    }

    private static String run(String... args) {
        CommandLine cli = SpeculaMain.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        assertThat(exit).as("exit code of %s", String.join(" ", args)).isEqualTo(2);
        return err.toString();
    }
}
