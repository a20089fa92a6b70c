package dev.specula.cli.train;

import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.train.data.Corpus;
import dev.specula.train.data.CorpusSplit;
import dev.specula.train.data.TokenizedCorpus;
import dev.specula.train.kernel.Workers;
import dev.specula.train.loop.NextTokenObjective;
import dev.specula.train.loop.Trainer;
import dev.specula.train.model.GgufParameters;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.model.TrainingTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code specula train pretrain}: a Llama model from scratch on the corpus, next-token cross-entropy. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a Llama-architecture model on the corpus' training documents; resumable.")
final class PretrainCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, description = "Tokenizer file (from `train tokenizer`) or GGUF model.")
    Path tokenizerFile;

    @Mixin
    CorpusOption corpus;

    @Mixin
    ModelShapeOptions shape;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = TokenizerFiles.read(tokenizerFile);
        LlamaConfig config = shape.config(tokenizer.vocabSize());
        try (Workers workers = new Workers(training.threadCount())) {
            RunData data = RunData.load(corpus, tokenizer, training.runDir, workers);
            ParameterSet parameters = ParameterSet.initialized(config, training.seed);
            System.err.printf("pretraining %,d parameters (%s) on %,d tokens (%d languages), %d threads%n",
                    parameters.count(), config, data.train().size(), data.train().languages().size(), workers.threads());
            TrainingTransformer model = new TrainingTransformer(parameters, workers);
            Trainer trainer = new Trainer(model, new NextTokenObjective(config.vocabSize()), training.settings(), tokenizer,
                    System.err);
            if (!trainer.train(data.train(), data.heldOut(), training.runDir, training.budget())) {
                return 0;
            }
            GgufParameters.write(parameters, tokenizer, "specula " + training.out.getFileName(), training.type, training.out);
            System.err.printf("wrote %s%n", training.out);
            return 0;
        }
    }

    /** The tokenized training and held-out sides, cached in the run folder. */
    record RunData(TokenizedCorpus train, TokenizedCorpus heldOut) {

        static RunData load(CorpusOption option, Tokenizer tokenizer, Path runDir, Workers workers) throws Exception {
            Corpus corpus = option.load();
            List<String> languages = option.languages(corpus);
            String tag = String.join("-", languages).hashCode() + "-" + tokenizer.vocabSize();
            return new RunData(
                    TokenizedCorpus.cached(runDir.resolve("train-" + tag + ".tokens"), corpus, CorpusSplit.TRAIN, languages,
                            tokenizer, workers),
                    TokenizedCorpus.cached(runDir.resolve("held-out-" + tag + ".tokens"), corpus, CorpusSplit.HELD_OUT,
                            languages, tokenizer, workers));
        }
    }
}
