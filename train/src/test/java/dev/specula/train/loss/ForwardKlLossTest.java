package dev.specula.train.loss;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ForwardKlLossTest {

    private static final int ROWS = 3;
    private static final int VOCAB = 7;

    @Test
    void gradient_smallRandomInput_matchesCentralDifferences() {
        float[] student = LossChecks.logits(21, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(22, ROWS, VOCAB, 2.0);
        float[] dLogits = new float[ROWS * VOCAB];
        ForwardKlLoss.STANDARD.lossAndGradient(student, teacher, null, ROWS, VOCAB, dLogits);
        LossChecks.assertMatchesFiniteDifferences(dLogits, student, x -> ForwardKlLoss.STANDARD.lossAndGradient(
                x, teacher, null, ROWS, VOCAB, new float[ROWS * VOCAB]));
    }

    @Test
    void gradient_teacherTemperatureTwo_matchesCentralDifferencesAndDividedLogits() {
        ForwardKlLoss hot = new ForwardKlLoss(2.0);
        float[] student = LossChecks.logits(23, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(24, ROWS, VOCAB, 2.0);
        float[] dLogits = new float[ROWS * VOCAB];
        double loss = hot.lossAndGradient(student, teacher, null, ROWS, VOCAB, dLogits);
        LossChecks.assertMatchesFiniteDifferences(dLogits, student,
                x -> hot.lossAndGradient(x, teacher, null, ROWS, VOCAB, new float[ROWS * VOCAB]));

        float[] halved = teacher.clone();
        for (int i = 0; i < halved.length; i++) {
            halved[i] /= 2; // exact in float
        }
        assertThat(loss).isCloseTo(ForwardKlLoss.STANDARD.lossAndGradient(student, halved, null, ROWS, VOCAB,
                new float[ROWS * VOCAB]), within(1e-12));
    }

    @Test
    void studentEqualsTeacher_zeroLossAndZeroGradient() {
        float[] logits = LossChecks.logits(25, ROWS, 4096, 3.0);
        float[] dLogits = new float[ROWS * 4096];
        double loss = ForwardKlLoss.STANDARD.lossAndGradient(logits, logits.clone(), null, ROWS, 4096, dLogits);
        assertThat(loss).isCloseTo(0.0, within(1e-12));
        assertThat(dLogits).containsOnly(0f);
    }

    @Test
    void loss_manyRandomPairs_isNonNegative() {
        for (long seed = 0; seed < 200; seed++) {
            float[] student = LossChecks.logits(seed, ROWS, VOCAB, 4.0);
            float[] teacher = LossChecks.logits(seed + 1000, ROWS, VOCAB, 4.0);
            assertThat(ForwardKlLoss.STANDARD.lossAndGradient(student, teacher, null, ROWS, VOCAB,
                    new float[ROWS * VOCAB])).as("seed %d", seed).isGreaterThanOrEqualTo(0.0);
        }
    }

    @Test
    void maskedRow_zeroGradientAndLossUnchangedByItsLogits() {
        float[] student = LossChecks.logits(26, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(27, ROWS, VOCAB, 2.0);
        boolean[] mask = {true, false, true};
        float[] dLogits = new float[ROWS * VOCAB];
        Arrays.fill(dLogits, 9f);
        double loss = ForwardKlLoss.STANDARD.lossAndGradient(student, teacher, mask, ROWS, VOCAB, dLogits);

        float[] otherStudent = student.clone();
        float[] otherTeacher = teacher.clone();
        for (int v = 0; v < VOCAB; v++) {
            otherStudent[VOCAB + v] = 50f * v;
            otherTeacher[VOCAB + v] = -50f * v;
        }
        float[] otherGradient = new float[ROWS * VOCAB];
        double otherLoss = ForwardKlLoss.STANDARD.lossAndGradient(otherStudent, otherTeacher, mask, ROWS, VOCAB,
                otherGradient);

        assertThat(otherLoss).isEqualTo(loss);
        assertThat(otherGradient).containsExactly(dLogits);
        for (int v = 0; v < VOCAB; v++) {
            assertThat(dLogits[VOCAB + v]).isZero();
        }
        // Two counted rows: each row's gradient is (q - p) / 2.
        double[] q = LossChecks.softmax(student, 0, VOCAB);
        double[] p = LossChecks.softmax(teacher, 0, VOCAB);
        assertThat((double) dLogits[3]).isCloseTo((q[3] - p[3]) / 2, within(1e-7));
    }

    @Test
    void badArguments_throwNamingTheParameter() {
        float[] logits = new float[ROWS * VOCAB];
        float[] dLogits = new float[ROWS * VOCAB];
        assertThatThrownBy(() -> new ForwardKlLoss(0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("teacherTemperature: 0.0 (expected: > 0 and finite)");
        assertThatThrownBy(() -> new ForwardKlLoss(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("teacherTemperature: NaN");
        assertThatThrownBy(() -> ForwardKlLoss.STANDARD.lossAndGradient(logits, new float[5], null, ROWS, VOCAB,
                dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("teacherLogits.length: 5 (expected: rows * vocab = 21)");
        assertThatThrownBy(() -> ForwardKlLoss.STANDARD.lossAndGradient(logits, logits, new boolean[2], ROWS,
                VOCAB, dLogits)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask.length: 2 (expected: rows = 3)");
        assertThatThrownBy(() -> ForwardKlLoss.STANDARD.lossAndGradient(null, logits, null, ROWS, VOCAB, dLogits))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("studentLogits: null");
        assertThatThrownBy(() -> ForwardKlLoss.STANDARD.lossAndGradient(logits, logits, null, ROWS, -1, dLogits))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("vocab: -1 (expected: > 0)");
    }
}
