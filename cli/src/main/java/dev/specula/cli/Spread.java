package dev.specula.cli;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The minimum, median and maximum of repeated measurements: what a benchmark on a shared, noisy machine can say.
 *
 * @param min    the smallest
 * @param median the middle one (the mean of the two middle ones for an even count)
 * @param max    the largest
 */
public record Spread(double min, double median, double max) {

    /** The spread of {@code values}, at least one. */
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("values: none (expected: at least one measurement)");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(sorted[0], median, sorted[n - 1]);
    }

    /** The element-wise ratios {@code numerators[i] / denominators[i]} of paired measurements. */
    public static List<Double> ratios(List<Double> numerators, List<Double> denominators) {
        if (numerators.size() != denominators.size()) {
            throw new IllegalArgumentException("ratios: " + numerators.size() + " numerators, " + denominators.size()
                    + " denominators (expected: paired, as many of each)");
        }
        return IntStream.range(0, numerators.size())
                .mapToObj(i -> numerators.get(i) / denominators.get(i)).toList();
    }

    /** {@code min / median / max} with {@code format} (e.g. {@code "%.1f"}) for each. */
    public String format(String format) {
        return String.join(" / ", Arrays.asList(format.formatted(min), format.formatted(median), format.formatted(max)));
    }
}
