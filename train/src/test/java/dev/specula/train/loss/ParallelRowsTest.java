package dev.specula.train.loss;

import dev.specula.train.kernel.Workers;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every loss gives bit-identical values, gradients and samples on one thread and on several. */
class ParallelRowsTest {

    private static final int ROWS = 77;
    private static final int VOCAB = 50;

    @Test
    void losses_threeWorkers_bitIdenticalToSerial() {
        float[] student = logits(1);
        float[] teacher = logits(2);
        int[] targets = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            targets[r] = r % 5 == 0 ? CrossEntropyLoss.IGNORE : (r * 7) % VOCAB;
        }
        boolean[] mask = new boolean[ROWS];
        for (int r = 0; r < ROWS; r++) {
            mask[r] = r % 4 != 1;
        }
        try (Workers three = new Workers(3)) {
            float[] a = new float[ROWS * VOCAB];
            float[] b = new float[ROWS * VOCAB];
            assertThat(CrossEntropyLoss.lossAndGradient(student, targets, ROWS, VOCAB, b, three))
                    .isEqualTo(CrossEntropyLoss.lossAndGradient(student, targets, ROWS, VOCAB, a));
            assertThat(b).containsExactly(a);
            assertThat(ForwardKlLoss.STANDARD.lossAndGradient(student, teacher, mask, ROWS, VOCAB, b, three))
                    .isEqualTo(ForwardKlLoss.STANDARD.lossAndGradient(student, teacher, mask, ROWS, VOCAB, a));
            assertThat(b).containsExactly(a);
            assertThat(TotalVariationLoss.lossAndGradient(student, teacher, mask, ROWS, VOCAB, b, three))
                    .isEqualTo(TotalVariationLoss.lossAndGradient(student, teacher, mask, ROWS, VOCAB, a));
            assertThat(b).containsExactly(a);
            int[] serialTokens = TvdPlusPlusLoss.sampleTokens(student, mask, ROWS, VOCAB, new SplittableRandom(3));
            int[] parallelTokens = TvdPlusPlusLoss.sampleTokens(student, mask, ROWS, VOCAB, new SplittableRandom(3), three);
            assertThat(parallelTokens).containsExactly(serialTokens);
            assertThat(TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, serialTokens, mask, ROWS, VOCAB, b, three))
                    .isEqualTo(TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, serialTokens, mask, ROWS, VOCAB, a));
            assertThat(b).containsExactly(a);
        }
    }

    @Test
    void sampleLossAndGradient_fused_equalsSampleThenLoss() {
        float[] student = logits(4);
        float[] teacher = logits(5);
        boolean[] mask = new boolean[ROWS];
        for (int r = 0; r < ROWS; r++) {
            mask[r] = r % 6 != 2;
        }
        float[] separate = new float[ROWS * VOCAB];
        int[] tokens = TvdPlusPlusLoss.sampleTokens(student, mask, ROWS, VOCAB, new SplittableRandom(6));
        TvdPlusPlusLoss.Result expected = TvdPlusPlusLoss.TVD_PLUS_PLUS.lossAndGradient(student, teacher, tokens, mask,
                ROWS, VOCAB, separate);
        float[] fused = new float[ROWS * VOCAB];
        TvdPlusPlusLoss.Result actual;
        try (Workers two = new Workers(2)) {
            actual = TvdPlusPlusLoss.TVD_PLUS_PLUS.sampleLossAndGradient(student, teacher, mask, ROWS, VOCAB,
                    new SplittableRandom(6), fused, two);
        }
        assertThat(actual.surrogate()).isCloseTo(expected.surrogate(), within(1e-12));
        assertThat(actual.tvd()).isCloseTo(expected.tvd(), within(1e-12));
        assertThat(actual.meanReward()).isEqualTo(expected.meanReward());
        for (int i = 0; i < fused.length; i++) {
            assertThat(fused[i]).as("dLogits[%d]", i).isCloseTo(separate[i], within(1e-7f));
        }
    }

    private static float[] logits(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[ROWS * VOCAB];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (3 * random.nextGaussian());
        }
        return values;
    }
}
