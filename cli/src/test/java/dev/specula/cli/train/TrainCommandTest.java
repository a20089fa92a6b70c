package dev.specula.cli.train;

import dev.specula.cli.SpeculaMain;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole recipe through the command line on a small two-language corpus: tokenizer, pretrained target,
 * general drafter distilled with target-generated text, per-language specialisation, export; the engine loads
 * every file.
 */
class TrainCommandTest {

    @TempDir
    Path dir;

    @Test
    void recipe_tokenizerPretrainDistillSpecialiseExport_engineLoadsEveryModel() throws Exception {
        Path corpus = writeCorpus(dir.resolve("corpus"));
        Path tokenizer = dir.resolve("tok.gguf");
        run("train", "tokenizer", "--corpus", corpus.toString(), "--vocab", "320", "--out", tokenizer.toString());

        Path target = dir.resolve("target.gguf");
        String[] small = {"--steps", "6", "--batch", "2", "--micro-batch", "1", "--seq-len", "16", "--warmup", "2",
                "--checkpoint-every", "3", "--eval-every", "3", "--threads", "2"};
        String pretrainOut = run(concat(new String[] {"train", "pretrain", "--tokenizer", tokenizer.toString(), "--corpus",
                corpus.toString(), "--run-dir", dir.resolve("run-target").toString(), "--out", target.toString(),
                "--dim", "32", "--hidden-dim", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--context", "32"}, small));
        assertThat(pretrainOut).contains("step 6/6", "held-out cross-entropy", "wrote " + target);

        Path general = dir.resolve("general.gguf");
        String distillOut = run(concat(new String[] {"train", "distill", "--teacher", target.toString(), "--method", "kl",
                "--corpus", corpus.toString(), "--run-dir", dir.resolve("run-general").toString(), "--out", general.toString(),
                "--dim", "16", "--hidden-dim", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--context", "32",
                "--generated", "3", "--generated-prompt", "4"}, small));
        assertThat(distillOut).contains("generated 3 × 17 tokens of de continuations", "forward-kl", "wrote " + general);

        Path german = dir.resolve("de.gguf");
        String specialiseOut = run(concat(new String[] {"train", "distill", "--teacher", target.toString(), "--method", "tvd",
                "--init", general.toString(), "--languages", "de", "--corpus", corpus.toString(),
                "--run-dir", dir.resolve("run-de").toString(), "--out", german.toString()}, small));
        assertThat(specialiseOut).contains("[de]", "tvd++");

        Path exported = dir.resolve("exported-q8.gguf");
        run("train", "export", "--checkpoint", dir.resolve("run-target/checkpoint.gguf").toString(), "--out",
                exported.toString(), "--type", "Q8_0");
        Path exportedQ4 = dir.resolve("exported-q4.gguf");
        run("train", "export", "--checkpoint", dir.resolve("run-target/checkpoint.gguf").toString(), "--out",
                exportedQ4.toString(), "--type", "Q4_0");

        try (Backend backend = Backends.create("vector")) {
            String fingerprint = null;
            for (Path file : new Path[] {target, general, german, exported, exportedQ4}) {
                try (ModelFile model = ModelFile.open(file, null)) {
                    String text = new Generator(model.load(backend), model.tokenizer()).generate("Das", 8,
                            SamplingParams.greedy(), (token, piece) -> { }).text();
                    assertThat(text).as(file.toString()).isNotNull();
                    String f = VocabularyFingerprint.of(model.tokenizer());
                    assertThat(fingerprint == null || fingerprint.equals(f)).as("shared tokenizer: " + file).isTrue();
                    fingerprint = f;
                }
            }
        }
    }

    @Test
    void distill_unknownMethod_exitsTwoNamingIt() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = SpeculaMain.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("train", "distill", "--teacher", dir.resolve("none.gguf").toString(), "--method", "js",
                "--run-dir", dir.toString(), "--out", dir.resolve("x.gguf").toString(), "--steps", "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--method: js (expected: kl or tvd)");
    }

    @Test
    void pretrain_kQuantType_isRefusedBeforeTraining() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = SpeculaMain.commandLine().execute("train", "pretrain", "--tokenizer", "absent.gguf", "--corpus", "absent",
                    "--run-dir", dir.resolve("run").toString(), "--out", dir.resolve("out.gguf").toString(),
                    "--steps", "1", "--type", "Q4_K");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isNotZero();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("--type", "Q4_K", "K-quants are read, not written");
    }

    private static String run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = SpeculaMain.commandLine().execute(args);
        } finally {
            System.setErr(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(String.join(" ", args) + "\n" + out).isZero();
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Two languages, each with training pages and one held-out page (ch01s02.html) of the default split. */
    static Path writeCorpus(Path root) throws IOException {
        String[] en = {"The installer asks a few questions.", "Then it installs the base system.",
                "Choose a mirror close to you.", "The boot loader starts the kernel."};
        String[] de = {"Der Installer stellt einige Fragen.", "Dann installiert er das Grundsystem.",
                "Wählen Sie einen Spiegel in Ihrer Nähe.", "Der Bootloader startet den Kernel."};
        write(root.resolve("installation-guide/en.tsv"), guide(en));
        write(root.resolve("installation-guide/de.tsv"), guide(de));
        write(root.resolve("debian-reference/en.txt"), "Title\n\nChapter 1. One\n    " + en[0] + "\n");
        return root;
    }

    private static String guide(String[] sentences) {
        StringBuilder tsv = new StringBuilder();
        for (int page = 0; page < 6; page++) {
            for (int i = 0; i < 5; i++) {
                tsv.append("ch02s0").append(page).append(".html\t").append(sentences[(page + i) % sentences.length]).append('\n');
            }
        }
        for (String s : sentences) {
            tsv.append("ch01s02.html\t").append(s).append(' ').append(s).append('\n');
        }
        return tsv.toString();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
