package dev.specula.cli.train;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.train.data.Corpus;
import dev.specula.train.tokenizer.BpeTrainer;
import dev.specula.train.tokenizer.BpeTrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code specula train tokenizer}: byte-level BPE on the training side of every corpus language. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train a byte-level BPE tokenizer on the corpus' training documents (held-out ones excluded).")
final class TrainTokenizerCommand implements Callable<Integer> {

    @Mixin
    CorpusOption corpus;

    @Option(names = "--vocab", defaultValue = "4096", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--out", required = true, description = "Tokenizer file to write (GGUF metadata only).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Corpus loaded = corpus.load();
        long started = System.nanoTime();
        Gpt2BpeTokenizer tokenizer = new BpeTrainer(BpeTrainerConfig.builder().vocabSize(vocab).build())
                .train(loaded.languages().stream().map(loaded::trainText));
        TokenizerFiles.write(tokenizer, out);
        System.err.printf("trained %d tokens on %d languages in %.1f s; wrote %s%n", tokenizer.vocabSize(),
                loaded.languages().size(), (System.nanoTime() - started) / 1e9, out);
        return 0;
    }
}
