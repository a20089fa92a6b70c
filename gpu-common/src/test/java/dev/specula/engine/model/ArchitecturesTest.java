package dev.specula.engine.model;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufWriter;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Random models in the tensor layout of real Llama 3.x, Mistral, Qwen2, Qwen3 and Phi-3 files, each run on the
 * naive oracle against {@link ReferenceForward} (written from the architectures' definitions, in doubles:
 * logits within 2e-3 absolute, of order 1-10) and on the vector backend against the oracle (within 1e-4).
 */
class ArchitecturesTest {

    private static final float REFERENCE_TOLERANCE = 2e-3f;
    private static final float BACKEND_TOLERANCE = 1e-4f;

    // Head 16, theta 500000, original context 64: frequency 1 is kept, 2 is blended, the rest divided by 8.
    private static final RopeScaling LLAMA3 = RopeScaling.llama3(16, 500_000f, 8, 1, 4, 64);

    /** Each architecture's test model: 2 layers, GQA (4 query heads on 2 KV heads), 320 tokens. */
    static final Map<String, LlamaConfig> CONFIGS = Map.of(
            "llama3", new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 500_000f, 1e-5f, RopeStyle.INTERLEAVED, LLAMA3),
            "mistral", new LlamaConfig("mistral", 64, 96, 2, 4, 2, 16, 320, 96, 1_000_000f, 1e-5f, RopeStyle.INTERLEAVED),
            "qwen2", new LlamaConfig("qwen2", 64, 96, 2, 4, 2, 16, 320, 96, 1_000_000f, 1e-6f, RopeStyle.NEOX),
            // Qwen3's heads are wider than dim / heads: key_length 32, so queries are 128 wide on a 64 stream.
            "qwen3", new LlamaConfig("qwen3", 64, 96, 2, 4, 2, 32, 320, 96, 1_000_000f, 1e-6f, RopeStyle.NEOX),
            "phi3", new LlamaConfig("phi3", 64, 96, 2, 4, 4, 16, 320, 96, 10_000f, 1e-5f, RopeStyle.NEOX));

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "mistral", "qwen2", "qwen3", "phi3"})
    void forwardAll_randomModelInRealLayout_naiveMatchesReferenceAndVectorMatchesNaive(String name) throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.Q8_0}) {
            try (ModelFile file = write(name, type, false); Backend vector = new VectorBackend(2)) {
                int[] tokens = TransformerBatchTest.sequence(12, 320);
                float[][] naive = forwardAll(file.load(new NaiveBackend()), tokens);
                assertClose(naive, new ReferenceForward(file).logits(tokens), REFERENCE_TOLERANCE, name + " " + type + " naive");
                assertClose(forwardAll(file.load(vector), tokens), naive, BACKEND_TOLERANCE, name + " " + type + " vector");
            }
        }
    }

    @Test
    void open_eachArchitecture_readsItsRopeStyleHeadSizeAndScaling() throws Exception {
        for (String name : CONFIGS.keySet()) {
            try (ModelFile file = write(name, GgmlType.F32, false)) {
                assertThat(file.config()).as(name).isEqualTo(CONFIGS.get(name));
            }
        }
    }

    @Test
    void parameterCount_eachArchitecture_equalsTheElementsOfItsFile() throws Exception {
        for (String name : CONFIGS.keySet()) {
            try (ModelFile file = write(name, GgmlType.F32, false)) {
                long elements = file.tensors().values().stream().filter(t -> !t.name().equals(GgufExport.ROPE_FREQS))
                        .mapToLong(dev.specula.engine.tensor.WeightTensor::elementCount).sum();
                assertThat(file.config().parameterCount(false)).as(name).isEqualTo(elements);
            }
        }
    }

    @Test
    void open_llama3ScalingInMetadata_givesTheConvertersDivisorsAndTheSameLogitsAsTheTensor() throws Exception {
        LlamaConfig unscaled = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 500_000f, 1e-5f,
                RopeStyle.INTERLEAVED);
        Path plain = dir.resolve("plain.gguf");
        RandomModelWriter.write(plain, unscaled, GgmlType.F32, false, ByteVocabulary.tokenizer(320), 7);
        Path withKeys = dir.resolve("llama3-keys.gguf");
        try (ModelFile source = ModelFile.open(plain, null)) {
            GgufWriter writer = GgufExport.writerFor(unscaled, source.tokenizer(), "llama3 by metadata")
                    .putString("llama.rope.scaling.type", "llama3")
                    .putFloat32("llama.rope.scaling.factor", 8f)
                    .putFloat32("llama.rope.scaling.low_freq_factor", 1f)
                    .putFloat32("llama.rope.scaling.high_freq_factor", 4f)
                    .putUInt32("llama.rope.scaling.original_context_length", 64);
            source.tensors().values().forEach(writer::addTensor);
            writer.write(withKeys);
        }
        int[] tokens = TransformerBatchTest.sequence(20, 320);
        try (ModelFile byKeys = ModelFile.open(withKeys, null); ModelFile byTensor = write("llama3", GgmlType.F32, false);
             ModelFile none = ModelFile.open(plain, null)) {
            assertThat(byKeys.config().ropeScaling()).isEqualTo(LLAMA3);
            float[][] scaled = forwardAll(byKeys.load(new NaiveBackend()), tokens);
            assertThat(scaled).isDeepEqualTo(forwardAll(byTensor.load(new NaiveBackend()), tokens));
            assertThat(scaled[10]).isNotEqualTo(forwardAll(none.load(new NaiveBackend()), tokens)[10]);
        }
    }

    @Test
    void open_llama3Vocabulary_takesItsSizeFromTheEmbedding() throws Exception {
        // Llama 3's 128,256 tokens on a tiny tied model.
        LlamaConfig config = new LlamaConfig("llama", 32, 64, 1, 2, 2, 16, 128_256, 16, 500_000f, 1e-5f,
                RopeStyle.INTERLEAVED, RopeScaling.llama3(16, 500_000f, 8, 1, 4, 16));
        Path path = dir.resolve("llama3-vocab.gguf");
        RandomModelWriter.write(path, config, GgmlType.Q8_0, true, ByteVocabulary.tokenizer(128_256), 3);
        try (ModelFile file = ModelFile.open(path, null); Backend vector = new VectorBackend(2)) {
            assertThat(file.config().vocabSize()).isEqualTo(128_256);
            int[] tokens = {1, 128_000, 128_255};
            float[][] naive = forwardAll(file.load(new NaiveBackend()), tokens);
            assertThat(naive[2]).hasSize(128_256);
            assertClose(forwardAll(file.load(vector), tokens), naive, BACKEND_TOLERANCE, "llama3 vocabulary");
        }
    }

    @Test
    void open_unsupportedRopeScalingType_namesFileAndKey() throws Exception {
        Path path = writeWith("yarn.gguf", "llama", w -> w.putString("llama.rope.scaling.type", "yarn"));
        assertThatThrownBy(() -> ModelFile.open(path, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("metadata llama.rope.scaling.type: yarn (supported: none, linear, llama3)");
    }

    @Test
    void open_phi3LongRope_isRefusedNamingTheTensor() throws Exception {
        Path path = writeWith("phi3-128k.gguf", "phi3",
                w -> w.addQuantized("rope_factors_long.weight", GgmlType.F32, new long[] {8}, new float[8]));
        assertThatThrownBy(() -> ModelFile.open(path, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("tensor rope_factors_long.weight: LongRoPE scaling is not supported");
    }

    @Test
    void open_partialRotary_isRefusedNamingTheKey() throws Exception {
        Path path = writeWith("partial.gguf", "qwen2", w -> w.putUInt32("qwen2.rope.dimension_count", 8));
        assertThatThrownBy(() -> ModelFile.open(path, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("metadata qwen2.rope.dimension_count: 8 (expected: the head size 16");
    }

    @Test
    void open_phi3SlidingWindowShorterThanContext_limitsTheContextToTheWindow() throws Exception {
        // Attention here sees every earlier position, which equals a window of w only within the first w.
        Path path = writeWith("phi3-window.gguf", "phi3", w -> w.putUInt32("phi3.attention.sliding_window", 32));
        try (ModelFile file = ModelFile.open(path, null)) {
            assertThat(file.config().contextLength()).isEqualTo(32);
        }
    }

    @Test
    void open_vocabSizeDisagreeingWithEmbedding_isRefusedNamingTheKey() throws Exception {
        Path path = dir.resolve("vocab.gguf");
        GgufWriter writer = GgufExport.writerFor(CONFIGS.get("mistral"), ByteVocabulary.tokenizer(320), "bad vocab");
        writer.addQuantized("token_embd.weight", GgmlType.F32, new long[] {64, 400}, new float[64 * 400]);
        writer.write(path);
        assertThatThrownBy(() -> ModelFile.open(path, null))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("metadata mistral.vocab_size: 320 (expected: the 400 rows of token_embd.weight)");
    }

    @Test
    void load_qwen3WithoutHeadNorms_namesTheMissingTensor() throws Exception {
        // A Llama-layout file labelled qwen3: every block lacks attn_q_norm.weight.
        Path path = dir.resolve("qwen3-no-norms.gguf");
        LlamaConfig config = CONFIGS.get("qwen3");
        Path llama = dir.resolve("as-llama.gguf");
        RandomModelWriter.write(llama, new LlamaConfig("llama", 64, 96, 2, 4, 2, 32, 320, 96, 1e6f, 1e-6f,
                RopeStyle.INTERLEAVED), GgmlType.F32, false, ByteVocabulary.tokenizer(320), 1);
        try (ModelFile source = ModelFile.open(llama, null)) {
            GgufWriter writer = GgufExport.writerFor(config, source.tokenizer(), "no norms");
            source.tensors().values().forEach(writer::addTensor);
            writer.write(path);
        }
        try (ModelFile file = ModelFile.open(path, null)) {
            assertThatThrownBy(() -> file.load(new NaiveBackend()))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(path.toString())
                    .hasMessageContaining("missing tensor blk.0.attn_q_norm.weight");
        }
    }

    private ModelFile write(String name, GgmlType type, boolean tied) throws IOException {
        Path path = dir.resolve(name + "-" + type + ".gguf");
        LlamaConfig config = CONFIGS.get(name);
        RandomModelWriter.write(path, config, type, tied, ByteVocabulary.tokenizer(config.vocabSize()), 7);
        return ModelFile.open(path, null);
    }

    /** The metadata of {@code arch}'s test model, an embedding, and whatever {@code extra} adds. */
    private Path writeWith(String fileName, String arch, java.util.function.Consumer<GgufWriter> extra) throws IOException {
        Path path = dir.resolve(fileName);
        LlamaConfig config = CONFIGS.get(arch.equals("llama") ? "mistral" : arch);
        if (arch.equals("llama")) {
            config = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10_000f, 1e-5f, RopeStyle.INTERLEAVED);
        }
        GgufWriter writer = GgufExport.writerFor(config, ByteVocabulary.tokenizer(320), fileName);
        writer.addQuantized("token_embd.weight", GgmlType.F32, new long[] {64, 320}, new float[64 * 320]);
        extra.accept(writer);
        writer.write(path);
        return path;
    }

    private static float[][] forwardAll(Transformer model, int[] tokens) {
        try (InferenceSession session = model.newSession()) {
            return session.forwardAll(tokens);
        }
    }

    private static void assertClose(float[][] actual, float[][] expected, float tolerance, String what) {
        assertThat(actual.length).as(what).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("%s logits[%d][%d]", what, i, j).isCloseTo(expected[i][j], within(tolerance));
            }
        }
    }
}
