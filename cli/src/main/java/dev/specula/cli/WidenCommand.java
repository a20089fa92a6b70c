package dev.specula.cli;

import dev.specula.engine.model.ModelFile;
import dev.specula.train.widen.Widening;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code specula widen}: writes a model widened m times with the same outputs ({@link Widening}), the stand-in
 * for a larger target.
 */
@Command(name = "widen", mixinStandardHelpOptions = true,
        description = {"Write a model widened m times that computes the same outputs: hidden units, heads and FFN units",
                "replicated, consuming weights scaled by 1/m, classifier untied. Its outputs at a larger model's cost."})
final class WidenCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "The GGUF model to widen (a Llama without biases).")
    Path model;

    @Option(names = "--out", required = true, description = "GGUF file to write.")
    Path out;

    @Option(names = "--factor", defaultValue = "4",
            description = "m, the replication factor; a power of two keeps quantized weights exact (default: ${DEFAULT-VALUE}).")
    int factor;

    @Override
    public Integer call() throws Exception {
        try (ModelFile in = ModelFile.open(model, null)) {
            System.err.println("widen: " + model + " x" + factor + " -> " + out + " ...");
            System.out.println(WidenedTarget.describe(Widening.widen(in, factor, out)));
        }
        return 0;
    }
}
