package dev.specula.train.loop;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.train.data.TokenizedCorpus;
import dev.specula.train.kernel.Workers;
import dev.specula.train.loss.TotalVariationLoss;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.model.TrainingTransformer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Distillation moves a smaller drafter's distributions towards a teacher's, with either method. */
class DistillationObjectiveTest {

    @ParameterizedTest
    @EnumSource(DistillationObjective.Method.class)
    void train_distillation_halvesHeldOutTvdToTeacher(DistillationObjective.Method method, @TempDir Path dir)
            throws Exception {
        try (Workers workers = new Workers(2)) {
            // The teacher: pretrained briefly on the pattern language, so it has something to teach.
            TrainingTransformer teacher = new TrainingTransformer(ParameterSet.initialized(TrainerTest.SMALL, 3), workers);
            new Trainer(teacher, new NextTokenObjective(300), TrainerTest.settings(40), ByteVocabulary.tokenizer(300), quiet())
                    .train(TrainerTest.patternCorpus(1), null, dir.resolve("teacher"), Duration.ofMinutes(5));
            var studentShape = new LlamaConfig("llama", 16, 32, 1, 2, 1, 8, 300, 32, 10000f,
                    1e-5f, RopeStyle.INTERLEAVED);
            TrainingTransformer student = new TrainingTransformer(ParameterSet.initialized(studentShape, 4), workers);
            TokenizedCorpus heldOut = TrainerTest.patternCorpus(99);
            double before = tvd(teacher, student, heldOut);
            new Trainer(student, new DistillationObjective(teacher, method),
                    new TrainingSettings(8, 4, 16, 60, 1e-2, 1e-3, 5, 0.0, 1.0, 7, 100, 0), ByteVocabulary.tokenizer(300), quiet())
                    .train(TrainerTest.patternCorpus(1), null, dir.resolve("student"), Duration.ofMinutes(5));
            double after = tvd(teacher, student, heldOut);
            assertThat(before).isGreaterThan(0.25);
            assertThat(after).as("TVD before %.3f", before).isLessThan(before / 2);
        }
    }

    private static double tvd(TrainingTransformer teacher, TrainingTransformer student, TokenizedCorpus text) {
        int[] windows = text.sampleWindows(new SplittableRandom(5), 8, 16);
        float[] p = teacher.forward(windows, 8, 16).logits();
        float[] q = student.forward(windows, 8, 16).logits();
        return TotalVariationLoss.value(q, p, null, 8 * 16, 300);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
