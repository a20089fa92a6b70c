package dev.specula.train.optim;

/**
 * Linear warmup to the peak rate, then cosine decay to {@code minRate} at the last step.
 *
 * @param peakRate    the rate at the end of warmup
 * @param minRate     the rate at the last step
 * @param warmupSteps steps of linear warmup from peakRate / warmupSteps
 * @param totalSteps  steps in the whole run
 */
public record LearningRateSchedule(double peakRate, double minRate, int warmupSteps, int totalSteps) {

    public LearningRateSchedule {
        if (!(peakRate > 0) || minRate < 0 || minRate > peakRate) {
            throw new IllegalArgumentException("peakRate: " + peakRate + ", minRate: " + minRate
                    + " (expected: 0 <= minRate <= peakRate, peakRate > 0)");
        }
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("warmupSteps: " + warmupSteps + ", totalSteps: " + totalSteps
                    + " (expected: 0 <= warmupSteps < totalSteps)");
        }
    }

    /** The rate for step {@code step} (0-based). */
    public double rate(int step) {
        if (step < warmupSteps) {
            return peakRate * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - 1 - warmupSteps));
        return minRate + 0.5 * (peakRate - minRate) * (1 + Math.cos(Math.PI * progress));
    }
}
