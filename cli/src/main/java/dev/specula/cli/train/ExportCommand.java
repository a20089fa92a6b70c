package dev.specula.cli.train;

import dev.specula.engine.model.ModelFile;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.train.loop.Checkpoint;
import dev.specula.train.model.GgufParameters;
import dev.specula.train.model.ParameterSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code specula train export}: a model file from a run's checkpoint, at any point of the run. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the model in a training checkpoint as a GGUF model (without the optimizer state).")
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "checkpoint.gguf in a run folder.")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "GGUF model to write.")
    Path out;

    @Option(names = "--type", defaultValue = "F32", description = "Matrix type: F32, F16, BF16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type;

    @Override
    public Integer call() throws Exception {
        try (ModelFile model = ModelFile.open(checkpoint, null)) {
            ParameterSet parameters = Checkpoint.readModel(checkpoint, model.config());
            GgufParameters.write(parameters, model.tokenizer(), "specula " + out.getFileName(), type, out);
            System.err.printf("wrote %s (%s) from %s%n", out, type, checkpoint);
        }
        return 0;
    }
}
