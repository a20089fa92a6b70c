package dev.specula.engine.model;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A pass over several sessions at different positions gives each the logits its own pass would, within 1e-4
 * absolute (the matmuls add in another order), and leaves each KV cache as its own pass would.
 */
class BatchedForwardTest {

    private static final float TOLERANCE = 1e-4f;

    @TempDir
    Path dir;

    @Test
    void forward_sessionsAtDifferentPositions_matchesEachSessionAlone() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 11); Backend vector = new VectorBackend(2)) {
            assertBatchedMatchesAlone(file.load(new NaiveBackend()));
            assertBatchedMatchesAlone(file.load(vector));
        }
    }

    @Test
    void forward_moreRowsThanOnePass_splitsAndStillMatches() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 12)) {
            Transformer model = file.load(new NaiveBackend());
            int sessions = 6; // 6 x 12 rows = 72 > MAX_ROWS
            List<InferenceSession> batched = new ArrayList<>();
            List<InferenceSession> alone = new ArrayList<>();
            List<BatchedForward.Segment> segments = new ArrayList<>();
            List<float[][]> expected = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int[] tokens = tokens(12, 7 * s + 1);
                batched.add(model.newSession());
                alone.add(model.newSession());
                segments.add(new BatchedForward.Segment(batched.get(s), tokens, true));
                expected.add(alone.get(s).forwardAll(tokens));
            }
            try (BatchedForward forward = new BatchedForward(model)) {
                List<float[][]> actual = forward.forward(segments);
                for (int s = 0; s < sessions; s++) {
                    assertClose(actual.get(s), expected.get(s));
                }
            }
            batched.forEach(InferenceSession::close);
            alone.forEach(InferenceSession::close);
        }
    }

    @Test
    void forward_oneSegmentOverflowsContext_failsAndLeavesEveryCacheUntouched() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 13)) {
            Transformer model = file.load(new NaiveBackend());
            try (InferenceSession ok = model.newSession(); InferenceSession full = model.newSession(4);
                 BatchedForward forward = new BatchedForward(model)) {
                full.forwardAll(new int[] {1, 2, 3});
                assertThatThrownBy(() -> forward.forward(List.of(
                        new BatchedForward.Segment(ok, new int[] {1, 2}, false),
                        new BatchedForward.Segment(full, new int[] {4, 5}, false))))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("to fit the context of 4");
                assertThat(ok.position()).isZero();
                assertThat(full.position()).isEqualTo(3);
            }
        }
    }

    @Test
    void segment_largestBlock_fitsAndOneMoreTokenIsRefused() throws Exception {
        try (ModelFile file = TinyModels.write(dir, GgmlType.F32, 14)) {
            Transformer model = file.load(new NaiveBackend());
            try (InferenceSession a = model.newSession(); InferenceSession b = model.newSession();
                 InferenceSession alone = model.newSession(); BatchedForward forward = new BatchedForward(model)) {
                // Two blocks of the longest verification (MAX_SEGMENT_TOKENS: the last committed token + 16 drafts) share one pass.
                int[] block = tokens(BatchedForward.MAX_SEGMENT_TOKENS, 5);
                List<float[][]> out = forward.forward(List.of(new BatchedForward.Segment(a, block, true),
                        new BatchedForward.Segment(b, block, true)));

                float[][] expected = alone.forwardAll(block);
                assertThat(out.get(0)).isDeepEqualTo(expected); // naive sums are independent of the batch
                assertThat(out.get(1)).isDeepEqualTo(expected);
                assertThatThrownBy(() -> new BatchedForward.Segment(a, tokens(BatchedForward.MAX_SEGMENT_TOKENS + 1, 5), true))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("tokens: 18 (expected: 1..17");
            }
        }
    }

    private static void assertBatchedMatchesAlone(Transformer model) {
        try (InferenceSession a = model.newSession(); InferenceSession b = model.newSession();
             InferenceSession c = model.newSession(); InferenceSession a2 = model.newSession();
             InferenceSession b2 = model.newSession(); InferenceSession c2 = model.newSession();
             BatchedForward forward = new BatchedForward(model)) {
            // Different histories: a at position 0, b after 5 tokens, c after 20 (two prefill chunks).
            b.forwardAll(tokens(5, 3));
            b2.forwardAll(tokens(5, 3));
            c.forwardAll(tokens(20, 9));
            c2.forwardAll(tokens(20, 9));

            List<float[][]> out = forward.forward(List.of(
                    new BatchedForward.Segment(a, tokens(3, 1), true),
                    new BatchedForward.Segment(b, tokens(1, 2), false),
                    new BatchedForward.Segment(c, tokens(9, 4), true)));

            assertClose(out.get(0), a2.forwardAll(tokens(3, 1)));
            assertClose(out.get(1), new float[][] {b2.forwardLast(tokens(1, 2))});
            assertClose(out.get(2), c2.forwardAll(tokens(9, 4)));
            assertThat(List.of(a.position(), b.position(), c.position())).containsExactly(3, 6, 29);
            // The caches now hold the same keys and values: the next step agrees too.
            assertClose(new float[][] {b.step(17)}, new float[][] {b2.step(17)});
        }
    }

    private static int[] tokens(int n, int salt) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (salt * 31 + i * 17) % TinyModels.CONFIG.vocabSize();
        }
        return t;
    }

    private static void assertClose(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("logits[%d][%d]", i, j).isCloseTo(expected[i][j], within(TOLERANCE));
            }
        }
    }
}
