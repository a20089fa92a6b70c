package dev.specula.train.loop;

/**
 * How a run trains: batch shape, schedule, optimizer and bookkeeping. Part of a checkpoint's identity: a run
 * resumes only with the same settings.
 *
 * @param batch           sequences per step
 * @param microBatch      sequences per forward/backward pass (gradients are accumulated over the step)
 * @param seqLen          tokens per sequence
 * @param steps           optimizer steps in the whole run
 * @param peakRate        learning rate after warmup
 * @param minRate         learning rate at the last step (cosine decay)
 * @param warmupSteps     steps of linear warmup
 * @param weightDecay     AdamW's decoupled weight decay, on matrices only
 * @param clipNorm        the global gradient norm is scaled down to at most this
 * @param seed            seeds initialisation and data order
 * @param checkpointEvery steps between checkpoints
 * @param evalEvery       steps between held-out evaluations (0: only at the end)
 */
public record TrainingSettings(int batch, int microBatch, int seqLen, int steps, double peakRate, double minRate,
                               int warmupSteps, double weightDecay, double clipNorm, long seed, int checkpointEvery,
                               int evalEvery) {

    public TrainingSettings {
        if (batch <= 0 || microBatch <= 0 || batch % microBatch != 0) {
            throw new IllegalArgumentException("batch: " + batch + ", microBatch: " + microBatch
                    + " (expected: > 0, batch a multiple of microBatch)");
        }
        if (seqLen <= 0 || steps <= 0 || checkpointEvery <= 0 || evalEvery < 0) {
            throw new IllegalArgumentException("seqLen: " + seqLen + ", steps: " + steps + ", checkpointEvery: "
                    + checkpointEvery + ", evalEvery: " + evalEvery + " (expected: > 0, evalEvery >= 0)");
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clipNorm: " + clipNorm + " (expected: > 0)");
        }
        new dev.specula.train.optim.LearningRateSchedule(peakRate, minRate, warmupSteps, steps);
    }

    /** The schedule these settings describe. */
    public dev.specula.train.optim.LearningRateSchedule schedule() {
        return new dev.specula.train.optim.LearningRateSchedule(peakRate, minRate, warmupSteps, steps);
    }

    /** Tokens consumed per step. */
    public long tokensPerStep() {
        return (long) batch * seqLen;
    }
}
