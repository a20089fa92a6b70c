package dev.specula.drafter;

import com.google.protobuf.ByteString;
import dev.specula.engine.batch.ForwardBatcher;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;

import java.io.IOException;

/**
 * A draft model loaded for serving: its file, weights on the backend, the batcher that runs the forward
 * passes of all its sessions, and its vocabulary fingerprint.
 *
 * @param spec        how it was configured
 * @param file        the opened model file (owns the memory mapping)
 * @param transformer the weights on the backend
 * @param batcher     the one thread that runs this model's passes, batching concurrent sessions
 * @param fingerprint  {@link VocabularyFingerprint#of} its tokenizer
 * @param tokenDigests {@link VocabularyFingerprint#tokenDigests} of its tokenizer, to compare with a target's
 */
record DrafterModel(DrafterConfig.ModelSpec spec, ModelFile file, Transformer transformer, ForwardBatcher batcher,
                    String fingerprint, ByteString tokenDigests) implements AutoCloseable {

    /** Opens the model file, loads it on {@code backend} and starts its batcher. */
    static DrafterModel load(DrafterConfig.ModelSpec spec, Backend backend) throws IOException {
        ModelFile file = ModelFile.open(spec.model(), spec.tokenizer());
        try {
            Transformer transformer = file.load(backend);
            String fingerprint = VocabularyFingerprint.of(file.tokenizer());
            ByteString tokenDigests = ByteString.copyFrom(VocabularyFingerprint.tokenDigests(file.tokenizer()));
            ForwardBatcher batcher = new ForwardBatcher(transformer, "drafter-batcher-" + spec.id());
            return new DrafterModel(spec, file, transformer, batcher, fingerprint, tokenDigests);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    String id() {
        return spec.id();
    }

    int vocabSize() {
        return transformer.config().vocabSize();
    }

    int contextLength() {
        return transformer.config().contextLength();
    }

    /** Stops the batcher and unmaps the file; its sessions must be closed first. */
    @Override
    public void close() {
        try {
            batcher.close();
        } finally {
            file.close();
        }
    }
}
