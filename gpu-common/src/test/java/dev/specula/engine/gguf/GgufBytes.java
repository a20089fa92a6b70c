package dev.specula.engine.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-assembles GGUF bytes, little-endian, so tests can build files the writer would never produce. */
final class GgufBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic "GGUF", version 3 and the two counts. */
    static GgufBytes header(long tensorCount, long metadataCount) {
        return new GgufBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensorCount).u64(metadataCount);
    }

    GgufBytes raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    GgufBytes u32(int v) {
        return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    GgufBytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    GgufBytes str(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return u64(bytes.length).raw(bytes);
    }

    /** A tensor info: name, dims, type id, offset. */
    GgufBytes tensorInfo(String name, long[] dims, int typeId, long offset) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(typeId).u64(offset);
    }

    /** Zeros up to the next multiple of {@code alignment}. */
    GgufBytes padTo(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    GgufBytes zeros(int count) {
        return raw(new byte[count]);
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, out.toByteArray());
    }
}
