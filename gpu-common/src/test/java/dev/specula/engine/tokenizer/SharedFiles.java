package dev.specula.engine.tokenizer;

import dev.specula.engine.SharedData;

import java.nio.file.Path;

/** Finds files in the checkout's sibling {@code shared/} folder; tests that need one are skipped without it. */
final class SharedFiles {

    static final String LLAMA2_TOKENIZER = "models/llama2-tokenizer-32k/tokenizer.bin";
    static final String STORIES260K_TOKENIZER = "models/stories260K/tok512.bin";

    private SharedFiles() {
    }

    /** The file {@code ../shared/relative}; skips the test when it is absent. */
    static Path require(String relative) {
        return SharedData.require(relative);
    }

    static SentencePieceTokenizer llama2() {
        return SentencePieceTokenizer.fromLlama2cFile(require(LLAMA2_TOKENIZER), 32000);
    }

    static SentencePieceTokenizer stories260k() {
        return SentencePieceTokenizer.fromLlama2cFile(require(STORIES260K_TOKENIZER), 512);
    }
}
