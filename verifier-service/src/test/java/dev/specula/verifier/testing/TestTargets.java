package dev.specula.verifier.testing;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Target models for tests: a tiny random-weight GGUF model with a byte vocabulary (no shared data needed), and
 * stories260K from {@code ../shared} when present. {@link Reference} runs the same model target-only, as the
 * oracle the verifier's output is compared with.
 */
public final class TestTargets {

    /** 2 layers, GQA, byte vocabulary of 320, context 96. */
    public static final LlamaConfig TINY = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    private TestTargets() {
    }

    /**
     * Slower than {@link #TINY} (3 layers of width 192; about a millisecond a pass on the naive backend), so that
     * sessions running at once queue up for the batcher even on a loaded machine.
     */
    public static final LlamaConfig SMALL = new LlamaConfig("llama", 192, 384, 3, 4, 2, 48, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    /** Writes the tiny model of {@code seed} into {@code dir}. */
    public static Path tiny(Path dir, long seed) {
        return write(dir, TINY, "tiny", seed);
    }

    /** Writes a random model of {@code config} with a byte vocabulary into {@code dir}. */
    public static Path write(Path dir, LlamaConfig config, String name, long seed) {
        Path file = dir.resolve(name + "-" + seed + ".gguf");
        try {
            if (!Files.exists(file)) {
                RandomModelWriter.write(file, config, GgmlType.F32, false,
                        ByteVocabulary.tokenizer(config.vocabSize()), seed);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code shared/<relative>}, or skips the test when it is absent. */
    public static Path shared(String relative) {
        for (String root : new String[] {"../shared", "../../shared"}) {
            Path candidate = Path.of(root).resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        Assumptions.assumeTrue(false, "needs ../shared/" + relative + ": absent, test skipped");
        return null;
    }

    /** The target run on its own (naive backend, as the verifier under test). */
    public static final class Reference implements AutoCloseable {
        private final ModelFile file;
        private final Transformer model;
        private final Generator generator;

        /** Opens {@code model} (with {@code tokenizer} for a llama2.c file, else null). */
        public Reference(Path model, Path tokenizer) {
            try {
                file = ModelFile.open(model, tokenizer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.model = file.load(Backends.create("naive"));
            this.generator = new Generator(this.model, file.tokenizer());
        }

        /** The model, for test drafters that need the target's own predictions. */
        public Transformer model() {
            return model;
        }

        /** Its tokenizer. */
        public dev.specula.engine.tokenizer.Tokenizer tokenizer() {
            return file.tokenizer();
        }

        /** Target-only generation. */
        public synchronized GenerationResult generate(String prompt, int maxTokens, SamplingParams params) {
            return generator.generate(prompt, maxTokens, params, (token, delta) -> { });
        }

        /** BOS + encode, as the verifier tokenizes. */
        public int[] promptTokens(String prompt) {
            return generator.promptTokens(prompt);
        }

        @Override
        public void close() {
            model.backend().close();
            file.close();
        }
    }
}
