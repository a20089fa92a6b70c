package dev.specula.train.widen;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class WideningTest {

    /** The family target, committed in the project root's models/ (tests run in train/). */
    private static final Path FAMILY_TARGET =
            Path.of("").toAbsolutePath().getParent().resolve("models/specula-target.gguf");

    private static final List<String> PROMPTS = List.of(
            "The installer asks a few questions and then",
            "Der Installer stellt einige Fragen und",
            "Le programme d'installation",
            "Установка системы Debian",
            "インストーラは");

    @TempDir
    Path dir;

    @Test
    void widen_f32ModelFactorThree_logitsEqualWithinFloatRounding() throws IOException {
        for (boolean tied : new boolean[] {true, false}) {
            Path source = randomModel(GgmlType.F32, tied);
            Path wide = dir.resolve("wide-" + tied + ".gguf");
            try (ModelFile in = ModelFile.open(source, null)) {
                Widening.widen(in, 3, wide);
            }
            try (Backend backend = Backends.create("naive");
                 ModelFile a = ModelFile.open(source, null);
                 ModelFile b = ModelFile.open(wide, null)) {
                assertThat(b.config()).isEqualTo(Widening.widenedConfig(a.config(), 3));
                assertThat(b.tensors()).containsKey("output.weight");
                int[] tokens = {1, 17, 300, 42, 9, 1000, 5};
                float[][] expected = logits(a.load(backend), tokens);
                float[][] actual = logits(b.load(backend), tokens);
                for (int t = 0; t < tokens.length; t++) {
                    // Sums of m copies of x/3 are rounded differently from x: float rounding, nothing more.
                    for (int v = 0; v < expected[t].length; v++) {
                        assertThat(actual[t][v]).as("tied %s, token %d, logit %d", tied, t, v)
                                .isCloseTo(expected[t][v], offset(1e-4f * (1 + Math.abs(expected[t][v]))));
                    }
                }
            }
        }
    }

    @Test
    void widen_q8ModelPowerOfTwoFactor_storesExactCopies() throws IOException {
        Path wide = dir.resolve("wide.gguf");
        try (ModelFile in = ModelFile.open(randomModel(GgmlType.Q8_0, true), null)) {
            WideningReport report = Widening.widen(in, 4, wide);
            assertThat(report.weightsInexact()).isZero();
            assertThat(report.parametersAfter()).isEqualTo(Widening.widenedConfig(in.config(), 4).parameterCount(false));
        }
        try (ModelFile out = ModelFile.open(wide, null)) {
            assertThat(out.tensors().get("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(out.tensors().get("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void widen_familyTargetFactorTwo_greedyOutputIdenticalTokenForToken() throws IOException {
        Path wide = dir.resolve("target-x2.gguf");
        try (ModelFile in = ModelFile.open(FAMILY_TARGET, null)) {
            WideningReport report = Widening.widen(in, 2, wide);
            assertThat(report.weightsInexact()).as("stored weights not exact copies").isZero();
        }
        try (Backend backend = Backends.create("vector");
             ModelFile a = ModelFile.open(FAMILY_TARGET, null);
             ModelFile b = ModelFile.open(wide, null)) {
            Generator narrow = new Generator(a.load(backend), a.tokenizer());
            Generator widened = new Generator(b.load(backend), b.tokenizer());
            for (String prompt : PROMPTS) {
                int[] expected = narrow.generate(prompt, 48, SamplingParams.greedy(), (t, d) -> { }).tokens();
                int[] actual = widened.generate(prompt, 48, SamplingParams.greedy(), (t, d) -> { }).tokens();
                assertThat(actual).as(prompt).containsExactly(expected);
            }
        }
    }

    @Test
    void widen_factorZero_refusedNamingTheParameter() throws IOException {
        try (ModelFile in = ModelFile.open(randomModel(GgmlType.F32, true), null)) {
            assertThatThrownBy(() -> Widening.widen(in, 0, dir.resolve("x.gguf")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("factor: 0 (expected: 1..64)");
        }
    }

    /** A small random model with the family's tokenizer: width 64, FFN 128, 2 layers, 4 heads on 2 KV heads. */
    private Path randomModel(GgmlType type, boolean tied) throws IOException {
        Tokenizer tokenizer;
        try (ModelFile family = ModelFile.open(FAMILY_TARGET, null)) {
            tokenizer = family.tokenizer();
        }
        LlamaConfig config = new LlamaConfig("llama", 64, 128, 2, 4, 2, 16, tokenizer.vocabSize(), 64, 10000f, 1e-5f,
                RopeStyle.INTERLEAVED);
        Path out = dir.resolve("random-" + type + "-" + tied + ".gguf");
        RandomModelWriter.write(out, config, type, tied, tokenizer, 7);
        return out;
    }

    private static float[][] logits(Transformer model, int[] tokens) {
        try (InferenceSession session = model.newSession()) {
            return session.forwardAll(tokens);
        }
    }
}
