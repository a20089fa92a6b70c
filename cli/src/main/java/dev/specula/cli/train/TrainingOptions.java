package dev.specula.cli.train;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.train.loop.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** The run folder, output and optimisation settings shared by pretraining and distillation. */
final class TrainingOptions {

    @Option(names = "--run-dir", required = true,
            description = "Folder for the checkpoint and token caches; a run started again with it resumes.")
    Path runDir;

    @Option(names = "--out", required = true, description = "GGUF model to write when the run completes.")
    Path out;

    @Option(names = "--type", defaultValue = "F32", converter = WritableType.class,
            description = "Matrix type of --out: F32, F16, BF16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type;

    @Option(names = "--steps", required = true, description = "Optimizer steps in the whole run.")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--micro-batch", defaultValue = "4", description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int microBatch;

    @Option(names = "--seq-len", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double peakRate;

    @Option(names = "--min-lr", defaultValue = "1e-4", description = "Final learning rate (default: ${DEFAULT-VALUE}).")
    double minRate;

    @Option(names = "--warmup", defaultValue = "100", description = "Warmup steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient norm clip (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", defaultValue = "1", description = "Initialisation and data seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "50", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-every", defaultValue = "200", description = "Steps between held-out evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--threads", description = "Compute threads (default: one per processor).")
    Integer threads;

    @Option(names = "--max-minutes", description = "Stop (with a checkpoint) after this long; run again to resume.")
    Double maxMinutes;

    /** Refuses, before training starts, the types the GGUF writer cannot write (K-quants are read, not written). */
    static final class WritableType implements CommandLine.ITypeConverter<GgmlType> {
        @Override
        public GgmlType convert(String value) {
            GgmlType type = GgmlType.valueOf(value);
            if (!type.encodable()) {
                throw new CommandLine.TypeConversionException(value + " (expected: F32, F16, BF16, Q8_0 or Q4_0;"
                        + " K-quants are read, not written)");
            }
            return type;
        }
    }

    TrainingSettings settings() {
        return new TrainingSettings(batch, microBatch, seqLen, steps, peakRate, minRate, warmup, weightDecay, clip, seed,
                checkpointEvery, evalEvery);
    }

    int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    Duration budget() {
        return maxMinutes == null ? Duration.ofDays(365) : Duration.ofMillis((long) (maxMinutes * 60_000));
    }
}
