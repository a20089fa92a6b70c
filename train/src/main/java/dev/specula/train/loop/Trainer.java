package dev.specula.train.loop;

import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.train.data.TokenizedCorpus;
import dev.specula.train.loss.CrossEntropyLoss;
import dev.specula.train.model.ForwardPass;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.model.TrainingTransformer;
import dev.specula.train.optim.AdamW;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The training loop: per step, a seeded batch of windows, forward and backward in micro-batches, gradient
 * clipping, AdamW at the scheduled rate; progress lines, held-out evaluations, and checkpoints from which an
 * interrupted run resumes exactly (the batch of step s depends only on the seed and s).
 */
public final class Trainer {

    /** The checkpoint's file name inside the run folder. */
    public static final String CHECKPOINT = "checkpoint.gguf";

    private final TrainingTransformer model;
    private final Objective objective;
    private final TrainingSettings settings;
    private final Tokenizer tokenizer;
    private final PrintStream progress;

    public Trainer(TrainingTransformer model, Objective objective, TrainingSettings settings, Tokenizer tokenizer,
                   PrintStream progress) {
        if (settings.seqLen() > model.config().contextLength()) {
            throw new IllegalArgumentException("seqLen: " + settings.seqLen() + " (expected: at most the model's context "
                    + model.config().contextLength() + ")");
        }
        this.model = model;
        this.objective = objective;
        this.settings = settings;
        this.tokenizer = tokenizer;
        this.progress = progress;
    }

    /** What identifies a run for resuming: model shape, objective and settings. */
    public String identity() {
        return model.config() + " " + objective.name() + " " + settings;
    }

    /**
     * Trains on {@code train} until {@code settings.steps()}, resuming from {@code runDir}'s checkpoint when there
     * is one, and evaluating on {@code heldOut} (may be null). The parameters end in their final state.
     *
     * @param stopAfter wall-clock budget for this call; the run checkpoints and returns early when it is spent
     * @return whether the run reached its last step
     */
    public boolean train(TokenizedCorpus train, TokenizedCorpus heldOut, Path runDir, Duration stopAfter)
            throws IOException {
        ParameterSet parameters = model.parameters();
        AdamW optimizer = AdamW.standard(parameters, settings.weightDecay());
        Path checkpoint = runDir.resolve(CHECKPOINT);
        int step = 0;
        double earlierSeconds = 0;
        if (Files.isRegularFile(checkpoint)) {
            Checkpoint.Progress resumed = Checkpoint.read(checkpoint, parameters, optimizer, identity());
            step = resumed.step();
            earlierSeconds = resumed.seconds();
            progress.printf("resumed from %s at step %d of %d (%s trained so far)%n", checkpoint, step, settings.steps(),
                    clock(earlierSeconds));
        }
        long started = System.nanoTime();
        long deadline = started + stopAfter.toNanos();
        ProgressWindow window = new ProgressWindow();
        float[] dLogits = new float[settings.microBatch() * settings.seqLen() * model.config().vocabSize()];
        while (step < settings.steps()) {
            StepResult result = step(step, train, optimizer, dLogits);
            step++;
            window.add(result.loss(), settings.tokensPerStep());
            boolean last = step == settings.steps();
            boolean outOfTime = System.nanoTime() > deadline;
            if (step % 10 == 0 || last || outOfTime) {
                progress.printf("step %d/%d  %s %.4f  lr %.2e  grad-norm %.3f  %.0f tok/s  %s%n", step, settings.steps(),
                        objective.name(), window.meanLoss(), result.rate(), result.gradientNorm(), window.tokensPerSecond(),
                        clock(earlierSeconds + (System.nanoTime() - started) / 1e9));
                window = new ProgressWindow();
            }
            if (heldOut != null && (last || (settings.evalEvery() > 0 && step % settings.evalEvery() == 0))) {
                progress.printf("step %d held-out cross-entropy %.4f%n", step, heldOutLoss(heldOut));
            }
            if (step % settings.checkpointEvery() == 0 || last || outOfTime) {
                Checkpoint.Progress now = new Checkpoint.Progress(step, earlierSeconds + (System.nanoTime() - started) / 1e9);
                Checkpoint.write(checkpoint, parameters, optimizer, tokenizer, now, identity());
            }
            if (outOfTime && !last) {
                progress.printf("time budget spent at step %d; run again to resume%n", step);
                return false;
            }
        }
        return true;
    }

    /** Hours, minutes and seconds: {@code 1:02:03}. */
    static String clock(double seconds) {
        long s = (long) seconds;
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** One optimizer step: the step's seeded batch in micro-batches, averaged gradients, clipping, AdamW. */
    private StepResult step(int step, TokenizedCorpus train, AdamW optimizer, float[] dLogits) {
        ParameterSet parameters = model.parameters();
        int micro = settings.microBatch();
        int seqLen = settings.seqLen();
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + step);
        int[] windows = train.sampleWindows(random, settings.batch(), seqLen + 1);
        parameters.zeroGradients();
        double loss = 0;
        int parts = settings.batch() / micro;
        for (int part = 0; part < parts; part++) {
            int[] slice = Arrays.copyOfRange(windows, part * micro * (seqLen + 1), (part + 1) * micro * (seqLen + 1));
            ForwardPass pass = model.forward(Objective.inputs(slice, micro, seqLen), micro, seqLen);
            loss += objective.lossAndGradient(pass, slice, micro, seqLen, dLogits, random, model.workers()) / parts;
            model.backward(pass, dLogits);
        }
        if (parts > 1) {
            parameters.scaleGradients(1f / parts);
        }
        double norm = parameters.gradientNorm();
        if (norm > settings.clipNorm()) {
            parameters.scaleGradients((float) (settings.clipNorm() / norm));
        }
        double rate = settings.schedule().rate(step);
        optimizer.step(parameters.all(), rate);
        return new StepResult(loss, norm, rate);
    }

    /** What a step reports: its mean loss, the gradient norm before clipping, the learning rate used. */
    private record StepResult(double loss, double gradientNorm, double rate) {
    }

    /** Loss and throughput since the last progress line. */
    private static final class ProgressWindow {
        private final long started = System.nanoTime();
        private double lossSum;
        private int steps;
        private long tokens;

        void add(double loss, long stepTokens) {
            lossSum += loss;
            steps++;
            tokens += stepTokens;
        }

        double meanLoss() {
            return lossSum / steps;
        }

        double tokensPerSecond() {
            return tokens / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** Mean next-token cross-entropy (nats) on fixed held-out windows, the same at every evaluation. */
    public double heldOutLoss(TokenizedCorpus heldOut) {
        int seqLen = settings.seqLen();
        int micro = settings.microBatch();
        SplittableRandom random = new SplittableRandom(12345);
        int vocab = model.config().vocabSize();
        float[] dLogits = new float[micro * seqLen * vocab];
        double sum = 0;
        int batches = Math.max(1, 32 / micro);
        for (int b = 0; b < batches; b++) {
            int[] windows = heldOut.sampleWindows(random, micro, seqLen + 1);
            ForwardPass pass = model.forward(Objective.inputs(windows, micro, seqLen), micro, seqLen);
            sum += CrossEntropyLoss.lossAndGradient(pass.logits(), Objective.nextTokens(windows, micro, seqLen),
                    pass.rows(), vocab, dLogits, model.workers());
        }
        return sum / batches;
    }
}
