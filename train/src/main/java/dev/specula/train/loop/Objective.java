package dev.specula.train.loop;

import dev.specula.train.kernel.Workers;
import dev.specula.train.model.ForwardPass;

import java.util.SplittableRandom;

/** What a training step minimises, given the model's logits over a batch of sequences. */
public interface Objective {

    /**
     * Writes the gradient of the loss with respect to {@code pass}'s logits into {@code dLogits} (overwriting)
     * and returns the loss.
     *
     * @param windows {@code [batch, seqLen + 1]}: the inputs, and one more token so each position has a next token
     * @param random  seeded per step, for objectives that sample
     * @param workers threads for the per-row work
     */
    double lossAndGradient(ForwardPass pass, int[] windows, int batch, int seqLen, float[] dLogits,
                           SplittableRandom random, Workers workers);

    /** Short name for progress lines and checkpoints, e.g. {@code cross-entropy}. */
    String name();

    /** The next-token targets of {@code windows}: position t of each sequence predicts token t + 1. */
    static int[] nextTokens(int[] windows, int batch, int seqLen) {
        int[] targets = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows, b * (seqLen + 1) + 1, targets, b * seqLen, seqLen);
        }
        return targets;
    }

    /** The inputs of {@code windows}: each window without its last token. */
    static int[] inputs(int[] windows, int batch, int seqLen) {
        int[] inputs = new int[batch * seqLen];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(windows, b * (seqLen + 1), inputs, b * seqLen, seqLen);
        }
        return inputs;
    }
}
