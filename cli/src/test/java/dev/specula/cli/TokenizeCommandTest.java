package dev.specula.cli;

import dev.specula.engine.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code specula tokenize} and {@code specula bench tokenizer} on llama.cpp's vocabulary-only GGUF files. */
class TokenizeCommandTest {

    private static final String LLAMA3 = "fixtures/llama.cpp/ggml-vocab-llama-bpe.gguf";
    private static final String GPT2 = "fixtures/llama.cpp/ggml-vocab-gpt-2.gguf";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = SpeculaMain.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void tokenize_llama3_printsBosThenTheIdsOnOneLine() {
        String model = SharedData.require(LLAMA3).toString();

        assertThat(run("tokenize", "--model", model, "Hello world")).isZero();
        assertThat(out.toString()).isEqualTo("128000 9906 1917" + System.lineSeparator());
    }

    @Test
    void tokenize_noBos_printsOnlyTheTextsIds() {
        String model = SharedData.require(LLAMA3).toString();

        assertThat(run("tokenize", "--model", model, "--no-bos", "Hello world")).isZero();
        assertThat(out.toString().strip()).isEqualTo("9906 1917");
    }

    @Test
    void tokenize_controlTokenInText_isOneTokenUnlessTold() {
        String model = SharedData.require(LLAMA3).toString();

        assertThat(run("tokenize", "--model", model, "--no-bos", "<|eot_id|>")).isZero();
        assertThat(out.toString().strip()).isEqualTo("128009");
        out.getBuffer().setLength(0);
        assertThat(run("tokenize", "--model", model, "--no-bos", "--no-parse-special", "<|eot_id|>")).isZero();
        assertThat(out.toString().strip()).isNotEqualTo("128009").contains(" ");
    }

    @Test
    void tokenize_gpt2_noBosSinceTheFileDoesNotAskForIt() {
        assertThat(run("tokenize", "--model", SharedData.require(GPT2).toString(), "Hello")).isZero();
        assertThat(out.toString().strip()).isEqualTo("15496");
    }

    @Test
    void tokenize_notAGgufFile_exitTwoNamingTheFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "not a model");

        assertThat(run("tokenize", "--model", bad.toString(), "Hello")).isEqualTo(2);
        assertThat(err.toString()).startsWith("specula tokenize: ").contains("bad.gguf");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void benchTokenizer_smallSample_printsBothRates() {
        String model = SharedData.require(GPT2).toString();
        String corpus = SharedData.require("corpus/installation-guide").getParent().toString();

        assertThat(run("bench", "tokenizer", "--model", model, "--corpus", corpus, "--megabytes", "0.02",
                "--passes", "2")).isZero();
        assertThat(out.toString()).startsWith("ggml-vocab-gpt-2.gguf: 50257 tokens, ")
                .containsPattern("first pass [0-9.]+ \\([0-9.]+\\), best later pass [0-9.]+ \\([0-9.]+\\)");
    }

    @Test
    void benchTokenizer_onePass_exitTwoNamingTheOption() {
        String model = SharedData.require(GPT2).toString();
        String corpus = SharedData.require("corpus/installation-guide").getParent().toString();

        assertThat(run("bench", "tokenizer", "--model", model, "--corpus", corpus, "--passes", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("passes: 1 (expected: at least 2");
    }
}
