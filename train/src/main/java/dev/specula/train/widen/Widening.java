package dev.specula.train.widen;

import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.model.GgufExport;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Widens a Llama model m times without changing what it computes: every unit of the residual stream, every
 * attention head (query and key/value, so the grouping of queries on key/value heads is kept) and every FFN
 * unit is replicated m times.
 *
 * <p>The layout is tiled: a widened vector is m copies of the original one after another ({@code [x, x, ...]},
 * {@code [m * n]}), so widened head {@code r * heads + h} is a copy of head h and reads key/value head
 * {@code r * kvHeads + h / group}, a copy of the one head h read. Head size, and so RoPE, is unchanged. Every
 * matrix becomes the plain m × m tiling of the original ({@code [rows, cols] -> [m * rows, m * cols]}): each output
 * copy sums m copies of the original's product, m times too much, and the scales that cancel this sit where they
 * are exact in any stored type:
 * <ul>
 *   <li>the residual stream carries m times the original ({@code [m x, m x, ...]}): the embedding's rows are tiled
 *       and multiplied by m, and each block adds m times its original output, as the tiled attention output and
 *       FFN down matrices give;</li>
 *   <li>RMSNorm of {@code [m x, ...]} with epsilon {@code m² eps} is exactly {@code [norm(x), ...]} (the mean of
 *       squares is m² times the original's), and the norm gains, tiled, are divided by m, so the matrices reading a
 *       norm (Q, K, V, FFN gate and up, the classifier) get {@code [norm(x) / m, ...]} and give the original's
 *       product;</li>
 *   <li>the classifier is untied ({@code output.weight}, {@code [vocab, m * dim]}, the original's rows tiled).</li>
 * </ul>
 * With m a power of two the multiplications by m and 1/m are exact: the F32 norm gains, and the f16 scale of each
 * Q8_0 or Q4_0 embedding block, whose quants stay as they are (exact unless the scale overflows f16). Every block
 * matrix is copied as stored. {@link WideningReport#weightsInexact()} counts the weights that are not exact.
 */
public final class Widening {

    private static final Pattern BLOCK_MATRIX =
            Pattern.compile("blk\\.\\d+\\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down)\\.weight");
    private static final Pattern NORM = Pattern.compile("(blk\\.\\d+\\.(attn_norm|ffn_norm)|output_norm)\\.weight");
    private static final String EMBEDDING = "token_embd.weight";
    private static final String CLASSIFIER = "output.weight";

    private Widening() {
    }

    /**
     * The configuration of {@code config} widened {@code factor} times: same layers, head size and vocabulary, RMSNorm
     * epsilon times {@code factor²} (the residual stream carries {@code factor} times the original).
     */
    public static LlamaConfig widenedConfig(LlamaConfig config, int factor) {
        checkFactor(factor);
        return new LlamaConfig(config.architecture(), config.dim() * factor, config.hiddenDim() * factor,
                config.layers(), config.heads() * factor, config.kvHeads() * factor, config.headSize(),
                config.vocabSize(), config.contextLength(), config.ropeTheta(), config.rmsEps() * factor * factor,
                config.ropeStyle(), config.ropeScaling());
    }

    /**
     * Writes {@code model} widened {@code factor} times to {@code out} (GGUF, the source's tokenizer embedded).
     *
     * @param factor m: 1 copies the model (with an untied classifier); a power of two keeps quantized weights exact
     * @throws IllegalArgumentException naming a tensor this widening does not know (biases, for one)
     */
    public static WideningReport widen(ModelFile model, int factor, Path out) throws IOException {
        LlamaConfig config = model.config();
        LlamaConfig wide = widenedConfig(config, factor);
        Map<String, WeightTensor> tensors = model.tensors();
        GgufWriter writer = GgufExport.writerFor(wide, model.tokenizer(),
                model.path().getFileName() + " widened x" + factor);
        long inexact = 0;
        long bytes = 0;
        for (WeightTensor tensor : tensors.values()) {
            String name = tensor.name();
            Widened w;
            if (name.equals(EMBEDDING)) {
                w = tile(tensor, 1, factor, factor);
            } else if (NORM.matcher(name).matches()) {
                w = tile(tensor, 1, factor, 1f / factor);
            } else if (BLOCK_MATRIX.matcher(name).matches()) {
                w = tile(tensor, factor, factor, 1f);
            } else if (name.equals(CLASSIFIER)) {
                continue; // written below, with the tied case
            } else {
                throw new IllegalArgumentException("tensor " + name + " of " + model.path() + ": not widenable"
                        + " (expected: token_embd, output, norm gains and the attention and FFN matrices of a Llama"
                        + " block, without biases)");
            }
            writer.addTensor(name, tensor.type(), w.dims(), w.data());
            inexact += w.inexact();
            bytes += w.data().length;
        }
        WeightTensor classifier = tensors.getOrDefault(CLASSIFIER, tensors.get(EMBEDDING));
        if (classifier == null) {
            throw new IllegalArgumentException(model.path() + ": no " + EMBEDDING + " (expected: a Llama model)");
        }
        Widened head = tile(classifier, 1, factor, 1f);
        writer.addTensor(CLASSIFIER, classifier.type(), head.dims(), head.data());
        inexact += head.inexact();
        bytes += head.data().length;
        writer.write(out);
        return new WideningReport(factor, config.parameterCount(!tensors.containsKey(CLASSIFIER)),
                wide.parameterCount(false), bytes, inexact);
    }

    /** A widened tensor: GGUF dims, stored bytes, and how many of its stored values are not the exact ones. */
    private record Widened(long[] dims, byte[] data, long inexact) {
    }

    /**
     * Tiles {@code tensor} ({@code [rows, cols]}, or a vector {@code [cols]}) {@code rowCopies} × {@code colCopies}
     * times, every value times {@code scale}, and stores it in the tensor's type.
     */
    private static Widened tile(WeightTensor tensor, int rowCopies, int colCopies, float scale) {
        int rows = tensor.rows();
        int cols = tensor.cols();
        float[] source = new float[Math.toIntExact(tensor.elementCount())]; // [rows, cols]
        TensorCodec.dequantize(tensor.type(), tensor.data(), 0, source, 0, source.length);
        int wideCols = Math.multiplyExact(cols, colCopies);
        float[] wide = new float[Math.multiplyExact(Math.multiplyExact(rows, rowCopies), wideCols)]; // [rowCopies * rows, wideCols]
        for (int r = 0; r < rows; r++) {
            int from = r * cols;
            for (int c = 0; c < colCopies; c++) {
                for (int j = 0; j < cols; j++) {
                    wide[r * wideCols + c * cols + j] = source[from + j] * scale;
                }
            }
        }
        int rowBlock = rows * wideCols;
        for (int copy = 1; copy < rowCopies; copy++) {
            System.arraycopy(wide, 0, wide, copy * rowBlock, rowBlock);
        }
        // Row blocks of quantized types never straddle copies: cols is a whole number of blocks.
        byte[] data = TensorCodec.quantize(tensor.type(), wide);
        float[] stored = new float[wide.length];
        TensorCodec.dequantize(tensor.type(), MemorySegment.ofArray(data), 0, stored, 0, stored.length);
        long inexact = 0;
        for (int i = 0; i < wide.length; i++) {
            if (stored[i] != wide[i]) {
                inexact++;
            }
        }
        long[] dims = tensor.dims().length == 1 ? new long[] {wideCols} : new long[] {wideCols, (long) rows * rowCopies};
        return new Widened(dims, data, inexact);
    }

    private static void checkFactor(int factor) {
        if (factor < 1 || factor > 64) {
            throw new IllegalArgumentException("factor: " + factor + " (expected: 1..64)");
        }
    }
}
