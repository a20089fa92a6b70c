package dev.specula.train.model;

import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.train.kernel.FiniteDifferences;
import dev.specula.train.kernel.Workers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.DoubleSupplier;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainingTransformerTest {

    /** 2 layers, 4 query heads on 2 KV heads: every path of the block, grouped-query attention included. */
    static final LlamaConfig TINY = new LlamaConfig("llama", 16, 24, 2, 4, 2, 4, 300, 16, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    private static final Workers WORKERS = new Workers(2);

    @AfterAll
    static void closeWorkers() {
        WORKERS.close();
    }

    @Test
    void backward_everyParameter_matchesFiniteDifferences() {
        // Larger than GPT-2's init so that attention and SwiGLU are far from linear.
        ParameterSet parameters = ParameterSet.initialized(TINY, 1);
        for (Parameter p : parameters.all()) {
            if (p.dims().length == 2) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] *= 20;
                }
            }
        }
        TrainingTransformer model = new TrainingTransformer(parameters, WORKERS);
        int[] tokens = randomTokens(2 * 5, 2);
        float[] r = FiniteDifferences.gaussian(2 * 5 * TINY.vocabSize(), 3);
        parameters.zeroGradients();
        model.backward(model.forward(tokens, 2, 5), r);
        // Random single elements would be at the mercy of the float rounding of 3,000 logits; the largest
        // elements and the whole gradient's direction carry signal far above it.
        DoubleSupplier loss = () -> FiniteDifferences.projection(model.forward(tokens, 2, 5).logits(), r);
        for (Parameter p : parameters.all()) {
            FiniteDifferences.checkLargest(p.name(), p.value(), p.grad(), loss, 4);
            FiniteDifferences.checkAlongGradient(p.name(), p.value(), p.grad(), loss);
        }
    }

    @Test
    void forward_exportedToGguf_matchesEngineLogits(@TempDir Path dir) throws Exception {
        ParameterSet parameters = ParameterSet.initialized(TINY, 5);
        for (Parameter p : parameters.all()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] *= p.dims().length == 2 ? 10 : 1;
            }
        }
        int[] tokens = randomTokens(2 * 9, 6);
        float[] logits = new TrainingTransformer(parameters, WORKERS).forward(tokens, 2, 9).logits();
        Path file = dir.resolve("exported").resolve("trained.gguf"); // a folder the writer makes
        GgufParameters.write(parameters, ByteVocabulary.tokenizer(TINY.vocabSize()), "test", GgmlType.F32, file);
        try (ModelFile model = ModelFile.open(file, null); var backend = Backends.create("vector")) {
            Transformer engine = model.load(backend);
            for (int b = 0; b < 2; b++) {
                try (InferenceSession session = engine.newSession()) {
                    float[][] expected = session.forwardAll(Arrays.copyOfRange(tokens, b * 9, b * 9 + 9));
                    for (int t = 0; t < 9; t++) {
                        for (int v = 0; v < TINY.vocabSize(); v++) {
                            assertThat(logits[(b * 9 + t) * TINY.vocabSize() + v]).as("sequence %d position %d logit %d", b, t, v)
                                    .isCloseTo(expected[t][v], within(2e-4f));
                        }
                    }
                }
            }
            ParameterSet reread = GgufParameters.read(model);
            for (Parameter p : parameters.all()) {
                assertThat(reread.get(p.name()).value()).as(p.name()).containsExactly(p.value());
            }
        }
    }

    @Test
    void forward_anyThreadCount_bitIdenticalGradients() {
        ParameterSet one = ParameterSet.initialized(TINY, 7);
        ParameterSet three = ParameterSet.initialized(TINY, 7);
        int[] tokens = randomTokens(3 * 8, 8);
        float[] r = FiniteDifferences.gaussian(3 * 8 * TINY.vocabSize(), 9);
        try (Workers w1 = new Workers(1); Workers w3 = new Workers(3)) {
            TrainingTransformer m1 = new TrainingTransformer(one, w1);
            TrainingTransformer m3 = new TrainingTransformer(three, w3);
            m1.backward(m1.forward(tokens, 3, 8), r);
            m3.backward(m3.forward(tokens, 3, 8), r);
        }
        for (Parameter p : one.all()) {
            assertThat(three.get(p.name()).grad()).as(p.name()).containsExactly(p.grad());
        }
    }

    @Test
    void forward_badTokenOrShape_namesIt() {
        TrainingTransformer model = new TrainingTransformer(ParameterSet.initialized(TINY, 1), WORKERS);
        assertThatThrownBy(() -> model.forward(new int[] {1, 300}, 1, 2))
                .hasMessageContaining("tokens[1]: 300 (expected: in [0, 300))");
        assertThatThrownBy(() -> model.forward(new int[17], 1, 17))
                .hasMessageContaining("seqLen in [1, 16]");
    }

    static int[] randomTokens(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = random.nextInt(TINY.vocabSize());
        }
        return tokens;
    }
}
