package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Checks the chi-square helper against closed forms and textbook tables, so the statistical tests can trust it. */
class ChiSquareTest {

    @Test
    void logGamma_matchesFactorials() {
        assertThat(ChiSquare.logGamma(1)).isCloseTo(0, within(1e-13));
        assertThat(ChiSquare.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-13));
        assertThat(ChiSquare.logGamma(11)).isCloseTo(Math.log(3_628_800), within(1e-11));
        assertThat(ChiSquare.logGamma(150.5)).isCloseTo(602.5139548705855, within(1e-9));
    }

    @Test
    void survival_twoDegreesOfFreedom_isExponential() {
        for (double x : new double[] {0.1, 1, 5, 20, 80}) {
            assertThat(ChiSquare.survival(x, 2)).isCloseTo(Math.exp(-x / 2), within(1e-12));
        }
    }

    @Test
    void criticalValue_matchesTables() {
        assertThat(ChiSquare.criticalValue(1, 0.05)).isCloseTo(3.841459, within(1e-5));
        assertThat(ChiSquare.criticalValue(10, 1e-3)).isCloseTo(29.58830, within(1e-4));
        assertThat(ChiSquare.criticalValue(100, 1e-3)).isCloseTo(149.4493, within(1e-3));
    }

    @Test
    void pearson_observedInImpossibleCell_isInfinite() {
        var statistic = ChiSquare.pearson(new long[] {50, 49, 1}, new double[] {0.5, 0.5, 0});
        assertThat(statistic.pValue()).isZero();
    }

    @Test
    void pearson_poolsSparseCells_soEveryBinExpectsFive() {
        // 100 draws: cells expecting 1, 2 and 3 pool into one bin of 6; the other two stay: 3 bins, 2 df.
        var statistic = ChiSquare.pearson(new long[] {1, 2, 3, 47, 47}, new double[] {0.01, 0.02, 0.03, 0.47, 0.47});
        assertThat(statistic.degreesOfFreedom()).isEqualTo(2);
        assertThat(statistic.value()).isCloseTo(0, within(1e-12));
    }
}
