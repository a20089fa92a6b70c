package dev.specula.engine.sample;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Pearson's chi-square goodness-of-fit test for the statistical tests: the statistic with cells pooled so
 * every bin expects at least {@link #MIN_EXPECTED} observations, and its p-value from the regularized upper
 * incomplete gamma function (Numerical Recipes, 3rd ed., §6.2).
 */
public final class ChiSquare {

    /** Smallest expected count per bin: below it the chi-square approximation of Pearson's statistic is poor. */
    public static final double MIN_EXPECTED = 5;

    private static final double EPS = 1e-15;
    private static final double FPMIN = 1e-300;

    private ChiSquare() {
    }

    /** A Pearson statistic and its degrees of freedom; statistics of independent groups add up. */
    public record Statistic(double value, int degreesOfFreedom) {

        public Statistic plus(Statistic other) {
            return new Statistic(value + other.value, degreesOfFreedom + other.degreesOfFreedom);
        }

        /** P(X >= value) for X chi-square with {@link #degreesOfFreedom()}; 1 when there is nothing to test. */
        public double pValue() {
            return degreesOfFreedom == 0 && value == 0 ? 1 : survival(value, degreesOfFreedom);
        }

        @Override
        public String toString() {
            return "chi2=" + value + " df=" + degreesOfFreedom + " p=" + pValue();
        }
    }

    /**
     * Pearson's statistic of {@code observed} counts against {@code total * probabilities}. Cells of probability
     * 0 must stay empty: one observation there makes the statistic infinite (p-value 0).
     */
    public static Statistic pearson(long[] observed, double[] probabilities) {
        long total = Arrays.stream(observed).sum();
        if (total == 0) {
            return new Statistic(0, 0);
        }
        // Pool the least likely cells, smallest first, until each bin expects >= MIN_EXPECTED.
        Integer[] cells = IntStream.range(0, observed.length).filter(i -> probabilities[i] > 0).boxed()
                .sorted(Comparator.comparingDouble(i -> probabilities[i])).toArray(Integer[]::new);
        for (int i = 0; i < observed.length; i++) {
            if (probabilities[i] == 0 && observed[i] > 0) {
                return new Statistic(Double.POSITIVE_INFINITY, Math.max(1, cells.length - 1));
            }
        }
        double[] binExpected = new double[cells.length];
        long[] binObserved = new long[cells.length];
        int bins = 0;
        double expected = 0;
        long seen = 0;
        for (int cell : cells) {
            expected += total * probabilities[cell];
            seen += observed[cell];
            if (expected >= MIN_EXPECTED) {
                binExpected[bins] = expected;
                binObserved[bins++] = seen;
                expected = 0;
                seen = 0;
            }
        }
        if (expected > 0 || seen > 0) {
            if (bins == 0) {
                bins = 1;
            }
            binExpected[bins - 1] += expected; // a leftover too small for its own bin joins the last one
            binObserved[bins - 1] += seen;
        }
        double value = 0;
        for (int b = 0; b < bins; b++) {
            double d = binObserved[b] - binExpected[b];
            value += d * d / binExpected[b];
        }
        return new Statistic(value, bins - 1);
    }

    /** P(X >= x) for X chi-square with {@code df} degrees of freedom. */
    static double survival(double x, int df) {
        if (df <= 0) {
            throw new IllegalArgumentException("df: " + df + " (expected: >= 1)");
        }
        return x == Double.POSITIVE_INFINITY ? 0 : regularizedGammaQ(df / 2.0, x / 2);
    }

    /** The x with {@code survival(x, df) == alpha}, by bisection. */
    static double criticalValue(int df, double alpha) {
        double lo = 0;
        double hi = df + 10 * Math.sqrt(2.0 * df) + 100;
        while (survival(hi, df) > alpha) {
            hi *= 2;
        }
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (survival(mid, df) > alpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** Q(a, x) = Γ(a, x) / Γ(a): a series for x < a + 1, else a continued fraction (modified Lentz). */
    static double regularizedGammaQ(double a, double x) {
        if (!(a > 0) || !(x >= 0)) {
            throw new IllegalArgumentException("a=" + a + ", x=" + x + " (expected: a > 0, x >= 0)");
        }
        if (x == 0) {
            return 1;
        }
        double logPrefactor = -x + a * Math.log(x) - logGamma(a);
        if (x < a + 1) {
            double ap = a;
            double term = 1 / a;
            double sum = term;
            for (int n = 0; n < 10_000 && Math.abs(term) >= Math.abs(sum) * EPS; n++) {
                ap++;
                term *= x / ap;
                sum += term;
            }
            return 1 - sum * Math.exp(logPrefactor);
        }
        double b = x + 1 - a;
        double c = 1 / FPMIN;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < FPMIN ? FPMIN : d;
            c = b + an / c;
            c = Math.abs(c) < FPMIN ? FPMIN : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return Math.exp(logPrefactor) * h;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
    static double logGamma(double x) {
        final double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x); // reflection
        }
        x -= 1;
        double sum = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            sum += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
