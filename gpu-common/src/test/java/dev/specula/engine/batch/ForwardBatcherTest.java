package dev.specula.engine.batch;

import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardBatcherTest {

    private static final LlamaConfig CONFIG = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    @TempDir
    Path dir;

    @Test
    void submit_eightConcurrentGreedySessions_eachMatchesItsSoloRunAndPassesAreShared() throws Exception {
        Path file = dir.resolve("m.gguf");
        RandomModelWriter.write(file, CONFIG, GgmlType.F32, false, ByteVocabulary.tokenizer(CONFIG.vocabSize()), 5);
        try (ModelFile model = ModelFile.open(file, null)) {
            Transformer target = model.load(new NaiveBackend());
            List<int[]> solo = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                solo.add(greedySolo(target, s));
            }
            try (ForwardBatcher batcher = new ForwardBatcher(target, "test-batcher");
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<CompletableFuture<int[]>> runs = new ArrayList<>();
                for (int s = 0; s < 8; s++) {
                    int seed = s;
                    runs.add(CompletableFuture.supplyAsync(() -> greedyBatched(batcher, seed), pool));
                }
                for (int s = 0; s < 8; s++) {
                    assertThat(runs.get(s).get()).as("session %d", s).containsExactly(solo.get(s));
                }
                // 8 sessions x (1 prefill + 24 steps) requests; batching means fewer passes than requests.
                assertThat(batcher.requests()).isEqualTo(8 * 25);
                assertThat(batcher.passes()).isLessThan(batcher.requests());
            }
        }
    }

    @Test
    void submit_overflowingRequest_failsOnlyThatRequest() throws Exception {
        Path file = dir.resolve("m.gguf");
        RandomModelWriter.write(file, CONFIG, GgmlType.F32, false, ByteVocabulary.tokenizer(CONFIG.vocabSize()), 6);
        try (ModelFile model = ModelFile.open(file, null)) {
            Transformer target = model.load(new NaiveBackend());
            try (ForwardBatcher batcher = new ForwardBatcher(target, "test-batcher");
                 InferenceSession full = target.newSession(2); InferenceSession ok = target.newSession()) {
                CompletableFuture<float[][]> bad = batcher.submit(full, new int[] {1, 2, 3}, false);
                CompletableFuture<float[][]> good = batcher.submit(ok, new int[] {1, 2, 3}, false);
                assertThat(good.get()[0]).hasSize(CONFIG.vocabSize());
                assertThatThrownBy(bad::get).isInstanceOf(ExecutionException.class)
                        .hasMessageContaining("to fit the context of 2");
            }
        }
    }

    @Test
    void submit_concurrentBlocksOfTheLargestDraftLength_shareTheirPasses() throws Exception {
        Path file = dir.resolve("m.gguf");
        RandomModelWriter.write(file, CONFIG, GgmlType.F32, false, ByteVocabulary.tokenizer(CONFIG.vocabSize()), 7);
        try (ModelFile model = ModelFile.open(file, null)) {
            Transformer target = model.load(new NaiveBackend());
            try (ForwardBatcher batcher = new ForwardBatcher(target, "test-batcher");
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<CompletableFuture<float[][]>> runs = new ArrayList<>();
                for (int s = 0; s < 6; s++) {
                    runs.add(CompletableFuture.supplyAsync(() -> verifyThreeFullBlocks(batcher), pool));
                }
                float[][] expected = verifyThreeFullBlocksAlone(target);
                for (CompletableFuture<float[][]> run : runs) {
                    assertThat(run.get()).isDeepEqualTo(expected); // naive sums do not depend on the batch
                }
                // A block of the longest verification is one segment, not a pass of its own.
                assertThat(batcher.requests()).isEqualTo(6 * 3);
                assertThat(batcher.passes()).isLessThan(batcher.requests());
            }
        }
    }

    /** The last committed token plus 16 drafts: the longest block to verify. */
    private static int[] fullBlock(int round) {
        int[] block = new int[BatchedForward.MAX_SEGMENT_TOKENS];
        Arrays.setAll(block, i -> 3 + 5 * i + round);
        return block;
    }

    private static float[][] verifyThreeFullBlocks(ForwardBatcher batcher) {
        try (InferenceSession session = batcher.model().newSession()) {
            float[][] logits = null;
            for (int round = 0; round < 3; round++) {
                logits = batcher.submit(session, fullBlock(round), true).join();
            }
            return logits;
        }
    }

    private static float[][] verifyThreeFullBlocksAlone(Transformer model) {
        try (InferenceSession session = model.newSession()) {
            float[][] logits = null;
            for (int round = 0; round < 3; round++) {
                logits = session.forwardAll(fullBlock(round));
            }
            return logits;
        }
    }

    private static int[] prompt(int seed) {
        return new int[] {1, 3 + seed, 40 + 3 * seed, 7};
    }

    private static int[] greedySolo(Transformer model, int seed) {
        try (InferenceSession session = model.newSession()) {
            float[] logits = session.forwardLast(prompt(seed));
            int[] out = new int[24];
            for (int i = 0; i < out.length; i++) {
                out[i] = Sampler.argmax(logits);
                logits = session.step(out[i]);
            }
            return out;
        }
    }

    private static int[] greedyBatched(ForwardBatcher batcher, int seed) {
        try (InferenceSession session = batcher.model().newSession()) {
            float[] logits = batcher.submit(session, prompt(seed), false).join()[0];
            int[] out = new int[24];
            for (int i = 0; i < out.length; i++) {
                out[i] = Sampler.argmax(logits);
                logits = batcher.submit(session, new int[] {out[i]}, false).join()[0];
            }
            return out;
        }
    }
}
