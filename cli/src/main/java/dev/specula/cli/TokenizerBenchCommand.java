package dev.specula.cli;

import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.TokenizerThroughput;
import dev.specula.engine.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code specula bench tokenizer}: single-thread encoding throughput on the multilingual corpus. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "MB/s of one thread encoding multilingual prose (the Installation Guide in every language).")
final class TokenizerBenchCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "GGUF v3 file with a tokenizer.")
    Path model;

    @Option(names = "--corpus", defaultValue = "../shared/corpus",
            description = "Corpus folder with installation-guide/*.tsv (default: ${DEFAULT-VALUE}).")
    Path corpus;

    @Option(names = "--megabytes", defaultValue = "1", description = "Text per pass, in MB (default: ${DEFAULT-VALUE}).")
    double megabytes;

    @Option(names = "--passes", defaultValue = "5", description = "Timed passes, at least 2 (default: ${DEFAULT-VALUE}).")
    int passes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(megabytes > 0)) {
            throw new IllegalArgumentException("--megabytes: " + megabytes + " (expected: > 0)");
        }
        Tokenizer tokenizer;
        long start = System.nanoTime();
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizers.fromGguf(file.metadata(), file.path());
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        String text = TokenizerThroughput.multilingualSample(corpus, (int) (megabytes * 1e6));
        TokenizerThroughput t = TokenizerThroughput.measure(tokenizer, text, passes);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d tokens, %d bytes; load %.1f s; one thread, MB/s by wall clock (by the thread's CPU"
                        + " time): first pass %.2f (%.2f), best later pass %.2f (%.2f); word memo empty / filled%n",
                model.getFileName(), tokenizer.vocabSize(), t.bytes(), loadSeconds, t.coldMBps(), t.coldCpuMBps(),
                t.warmMBps(), t.warmCpuMBps());
        out.flush();
        return 0;
    }
}
