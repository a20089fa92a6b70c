package dev.specula.cli.train;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.train.data.TargetContinuations;
import dev.specula.train.data.TokenizedCorpus;
import dev.specula.train.kernel.Workers;
import dev.specula.train.loop.DistillationObjective;
import dev.specula.train.loop.Trainer;
import dev.specula.train.model.GgufParameters;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.model.TrainingTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code specula train distill}: a drafter aligned to a target, from scratch (a general drafter) or from an
 * existing drafter (per-language specialisation: {@code --init general.gguf --languages de}).
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distill a drafter from a target with forward KL or TVD++; resumable.")
final class DistillCommand implements Callable<Integer> {

    @Option(names = "--teacher", required = true, description = "The target model (GGUF written by the trainer).")
    Path teacherFile;

    @Option(names = "--method", required = true, description = "kl or tvd.")
    String method;

    @Option(names = "--init", description = "Drafter to start from (default: a new model of the --dim... shape).")
    Path initFile;

    @Option(names = "--generated", defaultValue = "0",
            description = "Target-generated sequences per language to train on besides the text (default: ${DEFAULT-VALUE}).")
    int generated;

    @Option(names = "--generated-prompt", defaultValue = "32",
            description = "Text tokens that open each generated sequence (default: ${DEFAULT-VALUE}).")
    int generatedPrompt;

    @Option(names = "--generated-temperature", defaultValue = "1",
            description = "The target's sampling temperature for generated sequences; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double generatedTemperature;

    @Mixin
    CorpusOption corpus;

    @Mixin
    ModelShapeOptions shape;

    @Mixin
    TrainingOptions training;

    @Override
    public Integer call() throws Exception {
        DistillationObjective.Method chosen;
        try {
            chosen = DistillationObjective.Method.fromId(method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
        // Made before the slow loading, so a bad --generated-... flag fails at once.
        TargetContinuations recipe = generated == 0 ? null : continuationsRecipe();
        try (ModelFile teacherModel = ModelFile.open(teacherFile, null);
             Workers workers = new Workers(training.threadCount())) {
            Tokenizer tokenizer = teacherModel.tokenizer();
            ParameterSet student = initFile != null ? initial(initFile, tokenizer)
                    : ParameterSet.initialized(shape.config(tokenizer.vocabSize()), training.seed);
            PretrainCommand.RunData data = PretrainCommand.RunData.load(corpus, tokenizer, training.runDir, workers);
            TokenizedCorpus train = recipe == null ? data.train()
                    : data.train().with(continuations(recipe, teacherModel, data.train()));
            TrainingTransformer teacher = new TrainingTransformer(GgufParameters.read(teacherModel), workers);
            System.err.printf("distilling (%s) %,d parameters from %s on %,d tokens (%s), %d threads%n", chosen.id(),
                    student.count(), teacherFile, train.size(), train.languages(), workers.threads());
            Trainer trainer = new Trainer(new TrainingTransformer(student, workers),
                    new DistillationObjective(teacher, chosen), training.settings(), tokenizer, System.err);
            if (!trainer.train(train, data.heldOut(), training.runDir, training.budget())) {
                return 0;
            }
            GgufParameters.write(student, tokenizer, "specula " + training.out.getFileName(), training.type, training.out);
            System.err.printf("wrote %s%n", training.out);
            return 0;
        }
    }

    private TargetContinuations continuationsRecipe() {
        try {
            return new TargetContinuations(generatedPrompt, training.seqLen + 1, generatedTemperature, training.seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--generated-prompt, --seq-len or --generated-temperature: " + e.getMessage());
        }
    }

    /** The target's own continuations of training-text prompts, generated once and cached in the run folder. */
    private TokenizedCorpus continuations(TargetContinuations recipe, ModelFile teacherModel, TokenizedCorpus text)
            throws Exception {
        // Temperature 1 keeps the cache's original name, so earlier runs' caches are found again.
        String temperature = recipe.temperature() == 1 ? "" : "-t" + recipe.temperature();
        Path cache = training.runDir.resolve("generated-" + generated + "x" + (training.seqLen + 1) + temperature + "-"
                + String.join("-", text.languages()).hashCode() + ".tokens");
        if (Files.isRegularFile(cache)) {
            return TokenizedCorpus.read(cache);
        }
        try (Backend backend = Backends.create("vector")) {
            TokenizedCorpus corpus = recipe.generate(teacherModel.load(backend), text, generated, System.err);
            corpus.write(cache);
            return corpus;
        }
    }

    private static ParameterSet initial(Path file, Tokenizer teacherTokenizer) throws Exception {
        try (ModelFile model = ModelFile.open(file, null)) {
            if (!VocabularyFingerprint.of(model.tokenizer()).equals(VocabularyFingerprint.of(teacherTokenizer))) {
                throw new IllegalArgumentException("--init: " + file + " has another vocabulary than the teacher");
            }
            return GgufParameters.read(model);
        }
    }
}
