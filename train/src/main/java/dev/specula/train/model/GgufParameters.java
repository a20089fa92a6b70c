package dev.specula.train.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.model.GgufExport;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import dev.specula.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Moves trained parameters to and from GGUF with the engine's own writer and reader, so that what the trainer
 * writes is exactly what {@code ./specula generate} and the mesh load.
 */
public final class GgufParameters {

    private GgufParameters() {
    }

    /**
     * Writes {@code parameters} with {@code tokenizer} as a GGUF model: matrices in {@code type} (F32, F16, BF16,
     * Q8_0 or Q4_0), norm gains in F32, no {@code output.weight} (the classifier is tied to the embedding).
     */
    public static void write(ParameterSet parameters, Tokenizer tokenizer, String name, GgmlType type, Path out)
            throws IOException {
        GgufWriter writer = GgufExport.writerFor(parameters.config(), tokenizer, name);
        for (Parameter p : parameters.all()) {
            boolean matrix = p.dims().length == 2 && p.cols() % type.blockSize() == 0;
            writer.addQuantized(p.name(), matrix ? type : GgmlType.F32, p.dims(), p.value());
        }
        writer.write(out);
    }

    /** The parameters of a Llama model file, dequantized to F32, for distillation or fine-tuning. */
    public static ParameterSet read(ModelFile model) {
        ParameterSet set = new ParameterSet(model.config());
        for (String name : model.tensors().keySet()) {
            set.find(name).orElseThrow(() -> new ModelFormatException(model.path(), "tensor " + name
                    + " has no place in the trainer's Llama (expected: no biases, a tied classifier)"));
        }
        for (Parameter p : set.all()) {
            WeightTensor tensor = model.tensors().get(p.name());
            if (tensor == null) {
                throw new ModelFormatException(model.path(), "missing tensor " + p.name());
            }
            if (tensor.elementCount() != p.size()) {
                throw new ModelFormatException(model.path(), "tensor " + p.name() + " has " + tensor.elementCount()
                        + " elements (expected: " + p.size() + ")");
            }
            TensorCodec.dequantize(tensor.type(), tensor.data(), 0, p.value(), 0, p.size());
        }
        return set;
    }
}
