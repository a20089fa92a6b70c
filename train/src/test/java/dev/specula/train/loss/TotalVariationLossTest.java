package dev.specula.train.loss;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TotalVariationLossTest {

    private static final int ROWS = 3;
    private static final int VOCAB = 7;

    @Test
    void subgradient_awayFromKinks_matchesCentralDifferences() {
        float[] student = LossChecks.logits(31, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(32, ROWS, VOCAB, 2.0);
        // |dq_v/dz_k| <= 1/4, so a step of 2^-10 moves any probability by at most 2^-12: a gap above 2^-11
        // means no p(v) - q(v) changes sign inside the difference quotient.
        assertThat(smallestGap(student, teacher)).isGreaterThan(0x1p-11);
        float[] dLogits = new float[ROWS * VOCAB];
        TotalVariationLoss.lossAndGradient(student, teacher, null, ROWS, VOCAB, dLogits);
        LossChecks.assertMatchesFiniteDifferences(dLogits, student,
                x -> TotalVariationLoss.value(x, teacher, null, ROWS, VOCAB));
    }

    @Test
    void value_matchesHalfL1DistanceAndOneMinusOverlap() {
        float[] student = LossChecks.logits(33, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(34, ROWS, VOCAB, 2.0);
        double tvd = 0;
        double overlap = 0;
        for (int r = 0; r < ROWS; r++) {
            double[] q = LossChecks.softmax(student, r, VOCAB);
            double[] p = LossChecks.softmax(teacher, r, VOCAB);
            for (int v = 0; v < VOCAB; v++) {
                tvd += 0.5 * Math.abs(p[v] - q[v]) / ROWS;
                overlap += Math.min(p[v], q[v]) / ROWS;
            }
        }
        double value = TotalVariationLoss.value(student, teacher, null, ROWS, VOCAB);
        assertThat(value).isCloseTo(tvd, within(1e-12)).isCloseTo(1 - overlap, within(1e-12));
    }

    @Test
    void studentEqualsTeacher_zeroLossAndZeroGradient() {
        float[] logits = LossChecks.logits(35, ROWS, VOCAB, 2.0);
        float[] dLogits = new float[ROWS * VOCAB];
        assertThat(TotalVariationLoss.lossAndGradient(logits, logits.clone(), null, ROWS, VOCAB, dLogits)).isZero();
        assertThat(dLogits).containsOnly(0f);
    }

    @Test
    void maskedRow_zeroGradientAndLossUnchangedByItsLogits() {
        float[] student = LossChecks.logits(36, ROWS, VOCAB, 2.0);
        float[] teacher = LossChecks.logits(37, ROWS, VOCAB, 2.0);
        boolean[] mask = {false, true, true};
        float[] dLogits = new float[ROWS * VOCAB];
        double loss = TotalVariationLoss.lossAndGradient(student, teacher, mask, ROWS, VOCAB, dLogits);
        float[] otherStudent = student.clone();
        for (int v = 0; v < VOCAB; v++) {
            otherStudent[v] = 30f * v;
        }
        float[] otherGradient = new float[ROWS * VOCAB];
        assertThat(TotalVariationLoss.lossAndGradient(otherStudent, teacher, mask, ROWS, VOCAB, otherGradient))
                .isEqualTo(loss);
        assertThat(otherGradient).containsExactly(dLogits);
        for (int v = 0; v < VOCAB; v++) {
            assertThat(dLogits[v]).isZero();
        }
    }

    @Test
    void badArguments_throwNamingTheParameter() {
        float[] logits = new float[ROWS * VOCAB];
        assertThatThrownBy(() -> TotalVariationLoss.lossAndGradient(logits, logits, null, ROWS, VOCAB,
                new float[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dLogits.length: 1 (expected: rows * vocab = 21)");
        assertThatThrownBy(() -> TotalVariationLoss.value(logits, logits, null, -3, VOCAB))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rows: -3 (expected: > 0)");
    }

    /** The smallest |p(v) - q(v)| over all rows: the distance to the nearest kink of the TVD. */
    static double smallestGap(float[] student, float[] teacher) {
        double gap = Double.MAX_VALUE;
        for (int r = 0; r < student.length / VOCAB; r++) {
            double[] q = LossChecks.softmax(student, r, VOCAB);
            double[] p = LossChecks.softmax(teacher, r, VOCAB);
            for (int v = 0; v < VOCAB; v++) {
                gap = Math.min(gap, Math.abs(p[v] - q[v]));
            }
        }
        return gap;
    }
}
