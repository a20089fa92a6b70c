package dev.specula.train.data;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetContinuationsTest {

    private static final LlamaConfig CONFIG = new LlamaConfig("llama", 32, 64, 1, 2, 1, 16, 300, 40, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    @Test
    void generate_sameSeed_sameSequencesOpeningWithTextPrompts(@TempDir Path dir) throws Exception {
        Path file = randomTarget(dir, 3);
        int[] text = countingText();
        TokenizedCorpus corpus = TokenizedCorpus.of(Map.of("xx", text));
        TargetContinuations recipe = new TargetContinuations(6, 21, 1.0, 9);
        try (ModelFile model = ModelFile.open(file, null); Backend backend = Backends.create("vector")) {
            Transformer target = model.load(backend);
            // 70 sequences: more than one batched group of 64.
            int[] first = recipe.generate(target, corpus, 70, quiet()).tokens("xx");
            int[] second = recipe.generate(target, corpus, 70, quiet()).tokens("xx");
            assertThat(second).containsExactly(first);
            assertThat(first).hasSize(70 * 21);
            for (int s = 0; s < 70; s++) {
                int start = first[s * 21] - 3;
                assertThat(Arrays.copyOfRange(first, s * 21, s * 21 + 6)).as("prompt of sequence %d", s)
                        .containsExactly(Arrays.copyOfRange(text, start, start + 6));
            }
            assertThatThrownBy(() -> new TargetContinuations(6, 42, 1.0, 1).generate(target, corpus, 1, quiet()))
                    .hasMessageContaining("totalTokens: 42 (expected: at most the target's context 40 + 1)");
        }
    }

    @Test
    void generate_temperatureZero_writesTheTargetsGreedyContinuations(@TempDir Path dir) throws Exception {
        Path file = randomTarget(dir, 5);
        TokenizedCorpus corpus = TokenizedCorpus.of(Map.of("xx", countingText()));
        try (ModelFile model = ModelFile.open(file, null); Backend backend = Backends.create("vector")) {
            Transformer target = model.load(backend);
            int[] sequences = new TargetContinuations(6, 21, 0.0, 4).generate(target, corpus, 3, quiet()).tokens("xx");
            for (int s = 0; s < 3; s++) {
                try (InferenceSession session = target.newSession(20)) {
                    float[] logits = session.forwardLast(Arrays.copyOfRange(sequences, s * 21, s * 21 + 6));
                    for (int t = 6; t < 21; t++) {
                        int token = sequences[s * 21 + t];
                        assertThat(token).as("sequence %d, position %d", s, t).isEqualTo(Sampler.argmax(logits));
                        if (t + 1 < 21) {
                            logits = session.step(token);
                        }
                    }
                }
            }
        }
    }

    @Test
    void new_negativeOrInfiniteTemperature_isRejected() {
        assertThatThrownBy(() -> new TargetContinuations(6, 21, -0.5, 1))
                .hasMessage("temperature: -0.5 (expected: finite and >= 0)");
        assertThatThrownBy(() -> new TargetContinuations(6, 21, Double.POSITIVE_INFINITY, 1))
                .hasMessageContaining("expected: finite and >= 0");
    }

    private static Path randomTarget(Path dir, long seed) throws Exception {
        Path file = dir.resolve("target.gguf");
        RandomModelWriter.write(file, CONFIG, GgmlType.F32, true, ByteVocabulary.tokenizer(300), seed);
        return file;
    }

    /** 500 tokens counting 3, 4, ... 252 and round again: a token's value tells where it stands. */
    private static int[] countingText() {
        int[] text = new int[500];
        for (int i = 0; i < text.length; i++) {
            text[i] = 3 + i % 250;
        }
        return text;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
