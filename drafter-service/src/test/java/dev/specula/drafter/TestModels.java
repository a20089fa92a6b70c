package dev.specula.drafter;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.VocabularyFingerprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Tiny random-weight models for drafter tests that must run without ../shared, and their greedy reference. */
final class TestModels {

    /** 2 layers, GQA (4 query heads on 2 KV heads), a 320-token byte vocabulary, 96 positions. */
    static final LlamaConfig CONFIG = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 320, 96, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    /** The fingerprint of every model written here. */
    static final String FINGERPRINT = VocabularyFingerprint.of(ByteVocabulary.tokenizer(CONFIG.vocabSize()));

    private TestModels() {
    }

    /** Writes the F32 model of {@code seed} into {@code dir}. */
    static Path write(Path dir, long seed) {
        Path file = dir.resolve("tiny-" + seed + ".gguf");
        try {
            RandomModelWriter.write(file, CONFIG, GgmlType.F32, false, ByteVocabulary.tokenizer(CONFIG.vocabSize()), seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The model's own greedy continuation, computed directly on the naive backend without the service. */
    static final class Reference implements AutoCloseable {
        private final ModelFile file;
        private final NaiveBackend backend = new NaiveBackend();
        private final Transformer model;

        Reference(Path modelFile, Path tokenizer) throws IOException {
            this.file = ModelFile.open(modelFile, tokenizer);
            this.model = file.load(backend);
        }

        /** The next {@code count} greedy tokens after {@code prefix}. */
        int[] greedy(int[] prefix, int count) {
            try (InferenceSession session = model.newSession()) {
                float[] logits = session.forwardLast(prefix);
                int[] out = new int[count];
                for (int i = 0; i < count; i++) {
                    out[i] = Sampler.argmax(logits);
                    if (i + 1 < count) {
                        logits = session.step(out[i]);
                    }
                }
                return out;
            }
        }

        /** {@code prefix} followed by its greedy continuation of {@code count} tokens. */
        int[] extendGreedy(int[] prefix, int count) {
            int[] out = Arrays.copyOf(prefix, prefix.length + count);
            System.arraycopy(greedy(prefix, count), 0, out, prefix.length, count);
            return out;
        }

        @Override
        public void close() {
            backend.close();
            file.close();
        }
    }
}
