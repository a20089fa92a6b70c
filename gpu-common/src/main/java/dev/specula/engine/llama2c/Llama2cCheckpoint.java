package dev.specula.engine.llama2c;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint in Karpathy's llama2.c legacy {@code .bin} format, memory-mapped read-only: a header of
 * seven little-endian int32 ({@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len};
 * a negative vocab_size means the classifier is stored separately at the end), then fp32 weights.
 *
 * <p>The weights are exposed as F32 {@link WeightTensor}s under the GGUF/llama.cpp names with GGUF dims
 * ({@code dims[0]} is the contiguous dimension), so the engine loads both formats the same way. llama2.c
 * stores every matrix row-major with the output dimension as rows, which is exactly ggml's layout.
 */
public final class Llama2cCheckpoint implements AutoCloseable {

    /** Seven int32 header fields. */
    static final int HEADER_BYTES = 7 * 4;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final Llama2cConfig config;
    private final Map<String, WeightTensor> tensors;
    private final List<WeightTensor> tensorList;

    private Llama2cCheckpoint(Path path, Arena arena, Llama2cConfig config, Map<String, WeightTensor> tensors) {
        this.path = path;
        this.arena = arena;
        this.config = config;
        this.tensors = tensors;
        this.tensorList = List.copyOf(tensors.values());
    }

    /**
     * Maps {@code path} and checks that its size is exactly what its header implies.
     *
     * @throws ModelFormatException when the header is invalid or the size does not match it
     * @throws IOException          when the file cannot be opened or mapped
     */
    public static Llama2cCheckpoint open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                throw new ModelFormatException(path, "truncated llama2.c header: the file has " + size
                        + " bytes (expected: at least " + HEADER_BYTES + ")");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Llama2cConfig config = readConfig(path, mapped);
            return new Llama2cCheckpoint(path, arena, config, slice(config, mapped));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The model sizes from the header. */
    public Llama2cConfig config() {
        return config;
    }

    /** Every weight: {@code token_embd}, {@code output_norm}, {@code output} when separate, then each block. */
    public List<WeightTensor> tensors() {
        return tensorList;
    }

    /**
     * The weight called {@code name}, e.g. {@code blk.0.attn_q.weight}.
     *
     * @throws ModelFormatException when the checkpoint has no such weight (for a shared classifier,
     *                              {@code output.weight}; use {@link #classifier()})
     */
    public WeightTensor tensor(String name) {
        WeightTensor tensor = tensors.get(name);
        if (tensor == null) {
            String hint = name.equals("output.weight") && config.sharedClassifier()
                    ? "; the classifier is shared with token_embd.weight" : "";
            throw new ModelFormatException(path, "no tensor named " + name + " (a llama2.c checkpoint with "
                    + config.layers() + " layers has " + tensors.size() + " tensors" + hint + ")");
        }
        return tensor;
    }

    /** The output classifier: {@code output.weight}, or {@code token_embd.weight} when shared. */
    public WeightTensor classifier() {
        return config.sharedClassifier() ? tensor("token_embd.weight") : tensor("output.weight");
    }

    /** Unmaps the file; the tensors' data must not be used afterwards. Closing twice does nothing. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "Llama2cCheckpoint[" + path + ", " + config + "]";
    }

    private static Llama2cConfig readConfig(Path path, MemorySegment mapped) {
        int[] h = new int[7];
        for (int i = 0; i < h.length; i++) {
            h[i] = mapped.get(I32, i * 4L);
        }
        Llama2cConfig config;
        try {
            // Math.abs(Integer.MIN_VALUE) stays negative, so the positivity check rejects it too.
            config = new Llama2cConfig(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[6], h[5] > 0);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(path, "invalid llama2.c header: " + e.getMessage(), e);
        }
        long expected;
        try {
            expected = config.fileBytes();
        } catch (ArithmeticException e) {
            throw new ModelFormatException(path, "invalid llama2.c header " + config
                    + ": the weights would take more than 2^63 bytes", e);
        }
        long actual = mapped.byteSize();
        if (actual != expected) {
            String what = actual < expected ? "truncated llama2.c file" : "llama2.c file has trailing bytes";
            throw new ModelFormatException(path, what + ": " + actual + " bytes, but the header " + config
                    + " implies exactly " + expected + " bytes");
        }
        return config;
    }

    /** Slices the weights out of the mapping in file order; sizes were checked against the file size. */
    private static Map<String, WeightTensor> slice(Llama2cConfig c, MemorySegment mapped) {
        long dim = c.dim();
        long kvDim = c.kvDim();
        long hidden = c.hiddenDim();
        Slicer s = new Slicer(mapped);

        WeightTensor embedding = s.next("token_embd.weight", dim, c.vocabSize());
        long rmsAtt = s.skipLayers(c.layers(), dim);
        long wq = s.skipLayers(c.layers(), dim * dim);
        long wk = s.skipLayers(c.layers(), kvDim * dim);
        long wv = s.skipLayers(c.layers(), kvDim * dim);
        long wo = s.skipLayers(c.layers(), dim * dim);
        long rmsFfn = s.skipLayers(c.layers(), dim);
        long w1 = s.skipLayers(c.layers(), hidden * dim);
        long w2 = s.skipLayers(c.layers(), dim * hidden);
        long w3 = s.skipLayers(c.layers(), hidden * dim);
        WeightTensor outputNorm = s.next("output_norm.weight", dim);
        s.skipLayers(2, (long) c.seqLen() * c.headSize() / 2); // freq_cis_real and freq_cis_imag, unused

        Map<String, WeightTensor> out = new LinkedHashMap<>();
        out.put(embedding.name(), embedding);
        out.put(outputNorm.name(), outputNorm);
        if (!c.sharedClassifier()) {
            WeightTensor output = s.next("output.weight", dim, c.vocabSize());
            out.put(output.name(), output);
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            put(out, s.at(rmsAtt, l, p + "attn_norm.weight", dim));
            put(out, s.at(wq, l, p + "attn_q.weight", dim, dim));
            put(out, s.at(wk, l, p + "attn_k.weight", dim, kvDim));
            put(out, s.at(wv, l, p + "attn_v.weight", dim, kvDim));
            put(out, s.at(wo, l, p + "attn_output.weight", dim, dim));
            put(out, s.at(rmsFfn, l, p + "ffn_norm.weight", dim));
            put(out, s.at(w1, l, p + "ffn_gate.weight", dim, hidden));
            put(out, s.at(w2, l, p + "ffn_down.weight", hidden, dim));
            put(out, s.at(w3, l, p + "ffn_up.weight", dim, hidden));
        }
        return out;
    }

    private static void put(Map<String, WeightTensor> map, WeightTensor tensor) {
        map.put(tensor.name(), tensor);
    }

    /** Walks the fp32 weights after the header, handing out F32 tensors as slices of the mapping. */
    private static final class Slicer {
        private final MemorySegment mapped;
        private long offset = HEADER_BYTES;

        Slicer(MemorySegment mapped) {
            this.mapped = mapped;
        }

        /** The next tensor of {@code dims} (GGUF order), advancing past it. */
        WeightTensor next(String name, long... dims) {
            WeightTensor t = tensor(offset, name, dims);
            offset += t.data().byteSize();
            return t;
        }

        /** Skips {@code count} stacked arrays of {@code floatsEach} floats; returns where they start. */
        long skipLayers(long count, long floatsEach) {
            long start = offset;
            offset += count * floatsEach * Float.BYTES;
            return start;
        }

        /** Layer {@code layer} of the stacked per-layer arrays starting at {@code base}. */
        WeightTensor at(long base, int layer, String name, long... dims) {
            return tensor(base + layer * bytes(dims), name, dims);
        }

        private WeightTensor tensor(long start, String name, long[] dims) {
            return new WeightTensor(name, GgmlType.F32, dims, mapped.asSlice(start, bytes(dims)));
        }

        private static long bytes(long[] dims) {
            long floats = 1;
            for (long d : dims) {
                floats *= d;
            }
            return floats * Float.BYTES;
        }
    }
}
