package dev.specula.train.loop;

import dev.specula.train.loss.CrossEntropyLoss;
import dev.specula.train.kernel.Workers;
import dev.specula.train.model.ForwardPass;

import java.util.SplittableRandom;

/** Pretraining: cross-entropy of the next token of the text. */
public final class NextTokenObjective implements Objective {

    private final int vocab;

    public NextTokenObjective(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public double lossAndGradient(ForwardPass pass, int[] windows, int batch, int seqLen, float[] dLogits,
                                  SplittableRandom random, Workers workers) {
        int[] targets = Objective.nextTokens(windows, batch, seqLen);
        return CrossEntropyLoss.lossAndGradient(pass.logits(), targets, pass.rows(), vocab, dLogits, workers);
    }

    @Override
    public String name() {
        return "cross-entropy";
    }
}
