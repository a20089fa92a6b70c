package dev.specula.train.loop;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.train.data.TokenizedCorpus;
import dev.specula.train.kernel.Workers;
import dev.specula.train.model.Parameter;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.model.TrainingTransformer;
import dev.specula.train.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainerTest {

    static final LlamaConfig SMALL = new LlamaConfig("llama", 32, 64, 2, 4, 2, 8, 300, 32, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    /** A learnable language: a repeating pattern with noise, over a 300-token vocabulary. */
    static TokenizedCorpus patternCorpus(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[6000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(10) == 0 ? random.nextInt(300) : 3 + (i * 7) % 40;
        }
        return TokenizedCorpus.of(Map.of("xx", tokens));
    }

    static TrainingSettings settings(int steps) {
        return new TrainingSettings(4, 2, 16, steps, 3e-3, 3e-4, 5, 0.1, 1.0, 7, 10, 0);
    }

    @Test
    void train_smokeRun_lossFallsOnHeldOutText(@TempDir Path dir) throws Exception {
        try (Workers workers = new Workers(2)) {
            TrainingTransformer model = new TrainingTransformer(ParameterSet.initialized(SMALL, 1), workers);
            Trainer trainer = trainer(model, settings(60));
            TokenizedCorpus heldOut = patternCorpus(99);
            double before = trainer.heldOutLoss(heldOut);
            assertThat(trainer.train(patternCorpus(1), heldOut, dir, Duration.ofMinutes(5))).isTrue();
            double after = trainer.heldOutLoss(heldOut);
            assertThat(before).isGreaterThan(5.5); // about ln 300
            assertThat(after).isLessThan(before - 2.5);
        }
    }

    @Test
    void train_sameSeed_sameWeights_andResumeEqualsUninterrupted(@TempDir Path dir) throws Exception {
        ParameterSet straight = run(dir.resolve("a"), 20, Duration.ofMinutes(5), 2);
        ParameterSet again = run(dir.resolve("b"), 20, Duration.ofMinutes(5), 1);
        // Interrupted after its first step (zero budget), then resumed from the checkpoint to the end.
        run(dir.resolve("c"), 20, Duration.ZERO, 2);
        ParameterSet resumed = run(dir.resolve("c"), 20, Duration.ofMinutes(5), 2);
        for (Parameter p : straight.all()) {
            assertThat(again.get(p.name()).value()).as(p.name()).containsExactly(p.value());
            assertThat(resumed.get(p.name()).value()).as(p.name()).containsExactly(p.value());
        }
    }

    @Test
    void train_resumed_checkpointSumsStepsAndTrainingTimeOverSessions(@TempDir Path dir) throws Exception {
        run(dir, 20, Duration.ZERO, 2);
        Checkpoint.Progress first = progress(dir);
        run(dir, 20, Duration.ofMinutes(5), 2);
        Checkpoint.Progress done = progress(dir);
        assertThat(first.step()).isEqualTo(1);
        assertThat(first.seconds()).isPositive();
        assertThat(done.step()).isEqualTo(20);
        assertThat(done.seconds()).isGreaterThan(first.seconds());
        assertThat(Trainer.clock(3723.9)).isEqualTo("1:02:03");
    }

    private static Checkpoint.Progress progress(Path dir) throws Exception {
        ParameterSet parameters = ParameterSet.initialized(SMALL, 1);
        try (Workers workers = new Workers(1)) {
            String identity = trainer(new TrainingTransformer(parameters, workers), settings(20)).identity();
            return Checkpoint.read(dir.resolve(Trainer.CHECKPOINT), parameters,
                    AdamW.standard(parameters, 0.1), identity);
        }
    }

    @Test
    void train_checkpointOfOtherSettings_refusedWithReason(@TempDir Path dir) throws Exception {
        run(dir, 10, Duration.ofMinutes(5), 2);
        try (Workers workers = new Workers(1)) {
            TrainingTransformer model = new TrainingTransformer(ParameterSet.initialized(SMALL, 1), workers);
            assertThatThrownBy(() -> trainer(model, settings(11)).train(patternCorpus(1), null, dir, Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to another run");
        }
    }

    private static ParameterSet run(Path dir, int steps, Duration budget, int threads) throws Exception {
        try (Workers workers = new Workers(threads)) {
            TrainingTransformer model = new TrainingTransformer(ParameterSet.initialized(SMALL, 1), workers);
            trainer(model, settings(steps)).train(patternCorpus(1), null, dir, budget);
            return model.parameters();
        }
    }

    private static Trainer trainer(TrainingTransformer model, TrainingSettings settings) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Trainer(model, new NextTokenObjective(SMALL.vocabSize()), settings,
                ByteVocabulary.tokenizer(SMALL.vocabSize()), quiet);
    }
}
