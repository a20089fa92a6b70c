package dev.specula.cli.alignment;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;

import java.util.List;

/**
 * Held-out perplexity: exp of the mean next-token cross entropy over windows, each run as BOS plus the window
 * in one {@link InferenceSession#forwardAll} pass, every window token predicted from the ones before it.
 */
public final class Perplexity {

    private Perplexity() {
    }

    /** The perplexity of {@code model} on {@code windows} (NaN when there is no token). */
    public static double of(Transformer model, int bos, List<int[]> windows) {
        double nats = 0;
        long predicted = 0;
        for (int[] window : windows) {
            int[] input = new int[window.length]; // BOS, window[0 .. n-2]
            input[0] = bos;
            System.arraycopy(window, 0, input, 1, window.length - 1);
            try (InferenceSession session = model.newSession(input.length)) {
                float[][] logits = session.forwardAll(input); // [n, vocab]
                for (int i = 0; i < window.length; i++) {
                    nats += crossEntropy(logits[i], window[i]);
                }
            }
            predicted += window.length;
        }
        return predicted == 0 ? Double.NaN : Math.exp(nats / predicted);
    }

    /** −log softmax(logits)[target], in double for the sum. */
    static double crossEntropy(float[] logits, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return Math.log(sum) + max - logits[target];
    }
}
