package dev.specula.engine.kernel.cuda;

import dev.specula.engine.SharedData;
import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.assertClose;
import static dev.specula.engine.kernel.cuda.CudaTestSupport.requireCuda;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole models through the CUDA backend: the stories260K golden output exactly, block verification equal to
 * step-by-step decoding, and logits close to the oracle's. Logits of a forward pass accumulate every kernel's
 * rounding differences, so they are compared to a relative 1e-3 of max(1, |expected|); greedy tokens exactly.
 */
class CudaModelTest {

    private static final float LOGIT_TOLERANCE = 1e-3f;
    /** 2 layers, GQA (4 query heads on 2 KV heads), widths that are whole Q8_0/Q4_0 blocks. */
    private static final LlamaConfig TINY = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);
    private static final int[] PROMPT = {1, 70, 101, 108, 108, 111, 44, 32, 119};

    @Test
    void generate_stories260kGreedyFromBos_matchesGoldenIdsAndText() throws Exception {
        requireCuda();
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        Path tokenizer = SharedData.require("models/stories260K/tok512.bin");
        List<String> golden = Files.readAllLines(SharedData.require("models/stories260K/golden_greedy_bos_256.txt"));
        int[] expectedIds = Arrays.stream(golden.get(1).substring("# ids:".length()).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        String expectedText = String.join("\n", golden.subList(2, golden.size()));

        try (ModelFile file = ModelFile.open(model, tokenizer); Backend backend = Backends.create("cuda")) {
            Generator generator = new Generator(file.load(backend), file.tokenizer());
            GenerationResult result = generator.generate("", 256, SamplingParams.greedy(), (token, delta) -> { });

            assertThat(result.tokens()).containsExactly(expectedIds);
            assertThat(result.text()).isEqualTo(expectedText);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // the encodable types
    void forwardAll_blockOfDrafts_equalsStepByStepAndOracle(GgmlType type, @TempDir Path dir) throws Exception {
        requireCuda();
        try (ModelFile file = tinyModel(dir, type); CudaBackend cuda = new CudaBackend();
             NaiveBackend naive = new NaiveBackend()) {
            Transformer onGpu = file.load(cuda);
            float[][] oracle;
            try (InferenceSession session = file.load(naive).newSession(64)) {
                oracle = session.forwardAll(PROMPT);
            }
            float[][] block;
            float[][] steps = new float[PROMPT.length][];
            try (InferenceSession session = onGpu.newSession(64)) {
                session.forwardLast(Arrays.copyOf(PROMPT, 2));
                block = session.forwardAll(Arrays.copyOfRange(PROMPT, 2, PROMPT.length)); // verify k + 1 = 7
                session.truncate(0);
                for (int i = 0; i < PROMPT.length; i++) {
                    steps[i] = session.step(PROMPT[i]);
                }
            }
            float[][] stepTail = Arrays.copyOfRange(steps, 2, PROMPT.length);
            assertClose(block, stepTail, LOGIT_TOLERANCE, type + " block vs steps");
            assertClose(steps, oracle, LOGIT_TOLERANCE, type + " cuda vs naive");
            for (int i = 0; i < block.length; i++) {
                assertThat(Sampler.argmax(block[i])).as("%s greedy token after %d", type, i + 2)
                        .isEqualTo(Sampler.argmax(stepTail[i])).isEqualTo(Sampler.argmax(oracle[i + 2]));
            }
        }
    }

    @Test
    void batchedForward_twoSessions_equalsEachSessionAlone(@TempDir Path dir) throws Exception {
        requireCuda();
        try (ModelFile file = tinyModel(dir, GgmlType.Q8_0); CudaBackend cuda = new CudaBackend()) {
            Transformer model = file.load(cuda);
            int[] other = {1, 200, 201, 202};
            float[][] aloneA;
            float[][] aloneB;
            try (InferenceSession a = model.newSession(32); InferenceSession b = model.newSession(32)) {
                aloneA = a.forwardAll(PROMPT);
                aloneB = b.forwardAll(other);
            }
            try (InferenceSession a = model.newSession(32); InferenceSession b = model.newSession(32);
                 BatchedForward batch = new BatchedForward(model)) {
                List<float[][]> out = batch.forward(List.of(new BatchedForward.Segment(a, PROMPT, true),
                        new BatchedForward.Segment(b, other, true)));
                assertClose(out.get(0), aloneA, LOGIT_TOLERANCE, "session a");
                assertClose(out.get(1), aloneB, LOGIT_TOLERANCE, "session b");
            }
        }
    }

    private static ModelFile tinyModel(Path dir, GgmlType type) throws Exception {
        Path file = dir.resolve("tiny-" + type + ".gguf");
        RandomModelWriter.write(file, TINY, type, false, ByteVocabulary.tokenizer(TINY.vocabSize()), 5);
        return ModelFile.open(file, null);
    }
}
