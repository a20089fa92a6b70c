package dev.specula.rpc;

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Where UTF-8 goes wrong, for the string fields the protobuf parser leaves unvalidated (prompt, stop). */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The offset of the first byte of the first malformed sequence in {@code bytes}, or -1 when they are
     * well-formed UTF-8 (no overlong forms, no surrogates, nothing truncated at the end).
     */
    public static int firstMalformedByte(ByteString bytes) {
        if (bytes.isValidUtf8()) {
            return -1;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = bytes.asReadOnlyByteBuffer();
        int start = in.position();
        CharBuffer out = CharBuffer.allocate(1024);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position() - start;
            }
            if (result.isUnderflow()) {
                result = decoder.flush(out);
                return result.isError() ? in.position() - start : -1;
            }
            out.clear();
        }
    }
}
