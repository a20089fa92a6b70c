package dev.specula.engine.kernel.cuda;

/**
 * Tokens sampled on the device, one per logits row, with the probability each had in its row's distribution.
 *
 * @param tokens        {@code [rows]} token ids
 * @param probabilities {@code [rows]} the probability of each chosen token
 */
public record SampledTokens(int[] tokens, float[] probabilities) {

    public SampledTokens {
        if (tokens.length != probabilities.length) {
            throw new IllegalArgumentException("probabilities: " + probabilities.length + " (expected: one per token, "
                    + tokens.length + ")");
        }
        tokens = tokens.clone();
        probabilities = probabilities.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }
}
