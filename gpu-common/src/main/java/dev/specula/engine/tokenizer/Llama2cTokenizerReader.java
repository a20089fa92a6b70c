package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads llama2.c's {@code tokenizer.bin}: little-endian int32 {@code max_token_length}, then per token a
 * float32 score, an int32 byte length and that many UTF-8 bytes. The exporter wrote SentencePiece's U+2581
 * as a real space and BOS/EOS as {@code "\n<s>\n"}, {@code "\n</s>\n"}; both are turned back into the
 * SentencePiece form here.
 */
final class Llama2cTokenizerReader {

    static final int BOS = 1;
    static final int EOS = 2;
    static final int UNKNOWN = 0;

    private Llama2cTokenizerReader() {
    }

    static SentencePieceTokenizer read(Path file, int vocabSize) {
        if (vocabSize < 3) {
            throw new ModelFormatException(file, "vocabulary size " + vocabSize
                    + " (expected: at least 3, for <unk>, <s> and </s>)");
        }
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot read llama2.c tokenizer: " + e, e);
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 4) {
            throw new ModelFormatException(file, "llama2.c tokenizer is " + data.length
                    + " bytes (expected: at least 4 for max_token_length)");
        }
        int maxTokenLength = in.getInt();
        if (maxTokenLength <= 0) {
            throw new ModelFormatException(file, "max_token_length " + maxTokenLength + " (expected: positive)");
        }
        var utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> pieces = new ArrayList<>(vocabSize);
        float[] scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            if (in.remaining() < 8) {
                throw truncated(file, i, vocabSize, in.position(), "8 bytes of score and length", in.remaining());
            }
            scores[i] = in.getFloat();
            int length = in.getInt();
            if (length < 0 || length > maxTokenLength) {
                throw new ModelFormatException(file, "token " + i + " at offset " + (in.position() - 4)
                        + ": length " + length + " (expected: 0.." + maxTokenLength + ", the max_token_length)");
            }
            if (in.remaining() < length) {
                throw truncated(file, i, vocabSize, in.position(), length + " bytes of text", in.remaining());
            }
            ByteBuffer text = in.slice(in.position(), length);
            in.position(in.position() + length);
            try {
                pieces.add(utf8.decode(text).toString());
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(file, "token " + i + ": text is not valid UTF-8", e);
            }
        }
        if (in.hasRemaining()) {
            throw new ModelFormatException(file, in.remaining() + " bytes after token " + (vocabSize - 1)
                    + " (expected: the file ends after " + vocabSize + " tokens; is the vocabulary size right?)");
        }
        // The exporter wraps BOS/EOS in newlines so that llama2.c prints them on their own line.
        pieces.set(BOS, pieces.get(BOS).strip());
        pieces.set(EOS, pieces.get(EOS).strip());
        TokenType[] types = SentencePieceTokenizer.inferTypes(pieces, BOS, EOS, UNKNOWN);
        return TokenizerGguf.reading(file, "llama2.c tokenizer",
                () -> new SentencePieceTokenizer(pieces, scores, types, BOS, EOS, UNKNOWN));
    }

    private static ModelFormatException truncated(Path file, int token, int vocabSize, int offset,
                                                  String expected, int found) {
        return new ModelFormatException(file, "truncated at token " + token + " of " + vocabSize + ", offset "
                + offset + " (expected: " + expected + ", found: " + found + " bytes)");
    }
}
