package dev.specula.engine.sample;

/**
 * How a next token is chosen from logits. Filters apply in the order temperature, top-k, top-p, min-p (see
 * {@link Sampler#distribution}); a filter at its "off" value changes nothing.
 *
 * @param temperature logits are divided by it; {@code 0} means greedy (argmax), otherwise finite and {@code > 0}
 * @param topK        keep only the {@code topK} most likely tokens; {@code 0} = off, otherwise {@code >= 1}
 * @param topP        nucleus: keep the smallest set of most likely tokens whose probability sums to at least
 *                    {@code topP}; in {@code (0, 1]}, {@code 1} = off
 * @param minP        drop tokens whose probability is below {@code minP} times the most likely token's; in
 *                    {@code [0, 1)}, {@code 0} = off
 * @param seed        seed of the request's draws: the token at each sequence position is a pure function of
 *                    the seed, the position and the logits ({@link Sampler#sample(float[], SamplingParams, int)}),
 *                    so the same seed, prompt and options give the same output
 */
public record SamplingParams(double temperature, int topK, double topP, double minP, long seed) {

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: " + temperature + " (expected: finite and >= 0)");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK: " + topK + " (expected: 0 (off) or >= 1)");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP: " + topP + " (expected: in (0, 1])");
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP: " + minP + " (expected: in [0, 1))");
        }
    }

    /** Greedy decoding: always the most likely token (ties go to the lowest token id). */
    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0, 0);
    }

    /** Plain sampling at {@code temperature} with every filter off. */
    public static SamplingParams ofTemperature(double temperature, long seed) {
        return new SamplingParams(temperature, 0, 1, 0, seed);
    }

    /** Whether this is greedy decoding (temperature 0), which needs no randomness. */
    public boolean isGreedy() {
        return temperature == 0;
    }
}
