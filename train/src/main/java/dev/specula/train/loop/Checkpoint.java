package dev.specula.train.loop;

import dev.specula.engine.gguf.GgufFile;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.model.GgufExport;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.train.model.Parameter;
import dev.specula.train.model.ParameterSet;
import dev.specula.train.optim.AdamW;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A training run's state as one GGUF file: the model (loadable by the engine as it is), AdamW's moments as
 * extra tensors, the completed step and the run's identity. Written to a temporary file and renamed, so a
 * run killed mid-write keeps its previous checkpoint.
 */
public final class Checkpoint {

    static final String STEP = "specula.training.step";
    static final String IDENTITY = "specula.training.identity";
    static final String SECONDS = "specula.training.seconds";

    /**
     * Where a run stands: steps completed and the wall-clock seconds spent training them, summed over every
     * session that resumed the run.
     */
    public record Progress(int step, double seconds) {
    }

    private Checkpoint() {
    }

    /** Writes the state after {@code progress.step()} completed steps. */
    public static void write(Path file, ParameterSet parameters, AdamW optimizer, Tokenizer tokenizer, Progress progress,
                             String identity) throws IOException {
        GgufWriter writer = GgufExport.writerFor(parameters.config(), tokenizer,
                        "specula checkpoint, step " + progress.step())
                .putUInt32(STEP, progress.step())
                .putFloat32(SECONDS, (float) progress.seconds())
                .putString(IDENTITY, identity);
        for (Parameter p : parameters.all()) {
            writer.addQuantized(p.name(), GgmlType.F32, p.dims(), p.value());
            writer.addQuantized("adam.m." + p.name(), GgmlType.F32, p.dims(), optimizer.firstMoment(p.name()));
            writer.addQuantized("adam.v." + p.name(), GgmlType.F32, p.dims(), optimizer.secondMoment(p.name()));
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        writer.write(partial);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads the state in {@code file} into {@code parameters} and {@code optimizer} and returns where the run
     * stands.
     *
     * @throws IllegalArgumentException when the checkpoint belongs to a run with another identity
     */
    public static Progress read(Path file, ParameterSet parameters, AdamW optimizer, String identity)
            throws IOException {
        try (GgufFile gguf = GgufFile.open(file)) {
            String stored = gguf.metadata().getString(IDENTITY);
            if (!stored.equals(identity)) {
                throw new IllegalArgumentException("checkpoint " + file + " belongs to another run: " + stored
                        + " (expected: " + identity + "; use a new run folder, or the same settings)");
            }
            for (Parameter p : parameters.all()) {
                load(gguf, p.name(), p.value());
                load(gguf, "adam.m." + p.name(), optimizer.firstMoment(p.name()));
                load(gguf, "adam.v." + p.name(), optimizer.secondMoment(p.name()));
            }
            int step = gguf.metadata().getInt(STEP);
            optimizer.restoreSteps(step);
            // Checkpoints written before the time was recorded count as 0 s.
            return new Progress(step, gguf.metadata().getDouble(SECONDS, 0));
        }
    }

    /** Only the model in a checkpoint, whose shape is {@code config} (from the same file's metadata). */
    public static ParameterSet readModel(Path file, LlamaConfig config) throws IOException {
        ParameterSet parameters = new ParameterSet(config);
        try (GgufFile gguf = GgufFile.open(file)) {
            for (Parameter p : parameters.all()) {
                load(gguf, p.name(), p.value());
            }
        }
        return parameters;
    }

    private static void load(GgufFile gguf, String name, float[] into) {
        WeightTensor tensor = gguf.tensor(name);
        if (tensor.elementCount() != into.length) {
            throw new IllegalArgumentException("checkpoint tensor " + name + ": " + tensor.elementCount()
                    + " elements (expected: " + into.length + ")");
        }
        TensorCodec.dequantize(tensor.type(), tensor.data(), 0, into, 0, into.length);
    }
}
