package dev.specula.engine.gguf;

import dev.specula.engine.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A little-endian read position in a mapped GGUF file. Every read checks the bytes left first, so a
 * truncated or corrupt file ends in a {@link ModelFormatException} that names the file, the item being
 * read and its offset, never in an {@code IndexOutOfBoundsException}.
 */
final class GgufCursor {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment segment;
    private long position;

    GgufCursor(Path file, MemorySegment segment) {
        this.file = file;
        this.segment = segment;
    }

    Path file() {
        return file;
    }

    long position() {
        return position;
    }

    long remaining() {
        return segment.byteSize() - position;
    }

    long fileSize() {
        return segment.byteSize();
    }

    byte i8(String what) {
        need(1, what);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    short i16(String what) {
        need(2, what);
        short v = segment.get(I16, position);
        position += 2;
        return v;
    }

    int i32(String what) {
        need(4, what);
        int v = segment.get(I32, position);
        position += 4;
        return v;
    }

    long i64(String what) {
        need(8, what);
        long v = segment.get(I64, position);
        position += 8;
        return v;
    }

    float f32(String what) {
        need(4, what);
        float v = segment.get(F32, position);
        position += 4;
        return v;
    }

    double f64(String what) {
        need(8, what);
        double v = segment.get(F64, position);
        position += 8;
        return v;
    }

    /** Reads a GGUF string: a uint64 byte length, then that many bytes of UTF-8. */
    String string(String what) {
        long start = position;
        long length = i64(what + " length");
        if (length < 0 || length > remaining()) {
            throw error("string length " + Long.toUnsignedString(length) + " of " + what + " at offset " + start
                    + " (expected: at most the " + remaining() + " bytes left in the file)");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw error(what + " at offset " + start + " is " + length + " bytes long (expected: under 2 GiB)");
        }
        byte[] bytes = segment.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
        position += length;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file, what + " at offset " + start + " is not valid UTF-8", e);
        }
    }

    /**
     * Checks that {@code count} items of at least {@code minBytesEach} bytes can still fit in the file, so
     * a corrupt count fails here instead of allocating a huge list.
     */
    void checkCount(long count, long minBytesEach, String what) {
        if (count < 0 || count > remaining() / minBytesEach || count > Integer.MAX_VALUE - 8) {
            throw error(what + " is " + Long.toUnsignedString(count) + ", but at least " + minBytesEach
                    + " bytes each would not fit in the " + remaining() + " bytes left after offset " + position);
        }
    }

    /** The bytes {@code [start, start + bytes)} of the file, which the caller has checked are there. */
    MemorySegment slice(long start, long bytes) {
        return segment.asSlice(start, bytes);
    }

    ModelFormatException error(String problem) {
        return new ModelFormatException(file, problem);
    }

    private void need(long bytes, String what) {
        if (remaining() < bytes) {
            throw error("truncated file: " + what + " at offset " + position + " needs " + bytes
                    + " bytes but only " + remaining() + " are left (file size " + segment.byteSize() + ")");
        }
    }
}
