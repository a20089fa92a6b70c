package dev.specula.engine.model;

import dev.specula.engine.SharedData;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The batched forward pass (prefill, block verification) against single-token steps. They add in different
 * orders inside the matmuls, so logits agree within 1e-4 absolute (logits here are of order 1-10), not bit
 * for bit.
 */
class TransformerBatchTest {

    private static final float TOLERANCE = 1e-4f;

    @TempDir
    Path dir;

    @Test
    void forwardAll_tinyModelBothBackends_matchesSingleSteps() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 3); Backend vector = new VectorBackend(2)) {
            // 40 tokens: more than one MAX_SEGMENT_TOKENS chunk, and an uneven last one.
            int[] tokens = sequence(40, file.config().vocabSize());
            assertBatchMatchesSteps(file.load(new NaiveBackend()), tokens);
            assertBatchMatchesSteps(file.load(vector), tokens);
        }
    }

    @Test
    void forwardAll_stories260k_matchesSingleSteps() throws Exception {
        try (ModelFile file = ModelFile.open(SharedData.require("models/stories260K/stories260K.bin"),
                SharedData.require("models/stories260K/tok512.bin")); Backend vector = new VectorBackend(2)) {
            assertBatchMatchesSteps(file.load(vector), sequence(9, file.config().vocabSize()));
        }
    }

    @Test
    void forwardAll_naiveBackendAnyLength_bitwiseEqualsSingleSteps() throws Exception {
        // The naive oracle sums every row in index order whatever the pass, so one pass of the largest block
        // (17 tokens) and chunked long inputs (40 tokens) give exactly the single steps' logits.
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 4)) {
            Transformer model = file.load(new NaiveBackend());
            for (int length : new int[] {BatchedForward.MAX_SEGMENT_TOKENS, 40}) {
                int[] tokens = sequence(length, file.config().vocabSize());
                float[][] steps = new float[length][];
                try (InferenceSession session = model.newSession()) {
                    for (int i = 0; i < length; i++) {
                        steps[i] = session.step(tokens[i]);
                    }
                }
                try (InferenceSession session = model.newSession()) {
                    assertThat(session.forwardAll(tokens)).as("%d tokens", length).isDeepEqualTo(steps);
                }
                try (InferenceSession session = model.newSession()) {
                    assertThat(session.forwardLast(tokens)).as("%d tokens, last", length).isEqualTo(steps[length - 1]);
                }
            }
        }
    }

    @Test
    void truncate_afterRejectedBlock_recomputesIdenticalLogits() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 5);
             InferenceSession session = file.load(new NaiveBackend()).newSession()) {
            session.forwardAll(new int[] {1, 10, 20, 30});
            float[][] block = session.forwardAll(new int[] {40, 50, 60});
            session.truncate(4);
            session.forwardAll(new int[] {70, 80}); // a different continuation overwrites positions 4, 5
            session.truncate(4);

            assertThat(session.forwardAll(new int[] {40, 50, 60})).isDeepEqualTo(block);
            assertThat(session.position()).isEqualTo(7);
        }
    }

    @Test
    void forward_pastCapacity_failsNamingTheLimit() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 6);
             InferenceSession session = file.load(new NaiveBackend()).newSession(8)) {
            session.forwardAll(sequence(6, 320));
            assertThatThrownBy(() -> session.forwardAll(sequence(3, 320)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 2");
            assertThatThrownBy(() -> session.truncate(7)).hasMessageContaining("expected: in [0, 6]");
        }
    }

    private static void assertBatchMatchesSteps(Transformer model, int[] tokens) {
        float[][] batched;
        try (InferenceSession session = model.newSession()) {
            batched = session.forwardAll(tokens);
        }
        try (InferenceSession session = model.newSession()) {
            for (int i = 0; i < tokens.length; i++) {
                float[] step = session.step(tokens[i]);
                for (int v = 0; v < step.length; v++) {
                    assertThat(batched[i][v]).as("%s token %d logit %d", model.backend().name(), i, v)
                            .isCloseTo(step[v], within(TOLERANCE));
                }
            }
        }
    }

    static int[] sequence(int length, int vocab) {
        int[] tokens = new int[length];
        tokens[0] = 1;
        for (int i = 1; i < length; i++) {
            tokens[i] = 3 + (i * 37) % (vocab - 3);
        }
        return tokens;
    }
}
