package dev.specula.train.loss;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CrossEntropyLossTest {

    private static final int ROWS = 3;
    private static final int VOCAB = 7;

    @Test
    void gradient_smallRandomInput_matchesCentralDifferences() {
        float[] logits = LossChecks.logits(11, ROWS, VOCAB, 2.0);
        int[] targets = {4, 0, 6};
        float[] dLogits = new float[ROWS * VOCAB];
        CrossEntropyLoss.lossAndGradient(logits, targets, ROWS, VOCAB, dLogits);
        LossChecks.assertMatchesFiniteDifferences(dLogits, logits,
                x -> CrossEntropyLoss.lossAndGradient(x, targets, ROWS, VOCAB, new float[ROWS * VOCAB]));
    }

    @Test
    void loss_uniformLogits_isLnVocab() {
        int vocab = 4096;
        float[] logits = new float[ROWS * vocab];
        Arrays.fill(logits, 1.5f);
        double loss = CrossEntropyLoss.lossAndGradient(logits, new int[] {0, 17, 4095}, ROWS, vocab,
                new float[ROWS * vocab]);
        assertThat(loss).isCloseTo(Math.log(vocab), within(1e-12));
    }

    @Test
    void loss_hugeLogits_staysFinite() {
        float[] logits = {1e30f, -1e30f, 0f, 3e38f};
        float[] dLogits = new float[4];
        // Each target is the far smaller logit: the losses are the logit gaps, 2e30 and 3e38 nats.
        double loss = CrossEntropyLoss.lossAndGradient(logits, new int[] {1, 0}, 2, 2, dLogits);
        assertThat(loss).isCloseTo((2e30 + 3e38) / 2, within(1e32));
        assertThat(dLogits).containsExactly(0.5f, -0.5f, -0.5f, 0.5f);
    }

    @Test
    void ignoredRow_zeroGradientAndLossOfCountedRowsOnly() {
        float[] logits = LossChecks.logits(12, ROWS, VOCAB, 2.0);
        float[] dLogits = new float[ROWS * VOCAB];
        Arrays.fill(dLogits, 9f);
        double loss = CrossEntropyLoss.lossAndGradient(logits, new int[] {2, CrossEntropyLoss.IGNORE, 5}, ROWS,
                VOCAB, dLogits);

        float[] kept = new float[2 * VOCAB];
        System.arraycopy(logits, 0, kept, 0, VOCAB);
        System.arraycopy(logits, 2 * VOCAB, kept, VOCAB, VOCAB);
        float[] keptGradient = new float[2 * VOCAB];
        double keptLoss = CrossEntropyLoss.lossAndGradient(kept, new int[] {2, 5}, 2, VOCAB, keptGradient);

        assertThat(loss).isEqualTo(keptLoss);
        for (int v = 0; v < VOCAB; v++) {
            assertThat(dLogits[VOCAB + v]).isZero();
            assertThat(dLogits[v]).isEqualTo(keptGradient[v]);
            assertThat(dLogits[2 * VOCAB + v]).isEqualTo(keptGradient[VOCAB + v]);
        }
    }

    @Test
    void allRowsIgnored_zeroLossAndGradient() {
        float[] dLogits = new float[ROWS * VOCAB];
        Arrays.fill(dLogits, 1f);
        double loss = CrossEntropyLoss.lossAndGradient(LossChecks.logits(1, ROWS, VOCAB, 1), new int[] {-1, -1, -1},
                ROWS, VOCAB, dLogits);
        assertThat(loss).isZero();
        assertThat(dLogits).containsOnly(0f);
    }

    @Test
    void badArguments_throwNamingTheParameter() {
        float[] logits = new float[ROWS * VOCAB];
        float[] dLogits = new float[ROWS * VOCAB];
        int[] targets = {0, 1, 2};
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, targets, ROWS, 0, dLogits))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vocab: 0 (expected: > 0)");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, targets, 0, VOCAB, dLogits))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rows: 0 (expected: > 0)");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(new float[20], targets, ROWS, VOCAB, dLogits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits.length: 20 (expected: rows * vocab = 21)");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, targets, ROWS, VOCAB, new float[22]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dLogits.length: 22");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, new int[] {0, 7, 1}, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("targets[1]: 7 (expected: in [0, 7))");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, new int[] {0, -2, 1}, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("targets[1]: -2");
        assertThatThrownBy(() -> CrossEntropyLoss.lossAndGradient(logits, new int[] {0}, ROWS, VOCAB, dLogits))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("targets.length: 1 (expected: rows = 3)");
    }
}
