package dev.specula.engine.gguf;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A buffered little-endian sink for the GGUF writer that counts the bytes written. Large blocks (tensor
 * data) go to the channel in chunks straight from their segment, so nothing is copied whole.
 */
final class GgufOutput implements Closeable {

    /** Largest piece of a segment handed to the channel at once; {@code asByteBuffer} stops at 2 GiB. */
    private static final long CHUNK = 1L << 30;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    private GgufOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** Creates or truncates {@code path}. */
    static GgufOutput create(Path path) throws IOException {
        return new GgufOutput(FileChannel.open(path, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    /** Bytes written so far: the file offset of the next byte. */
    long position() {
        return position;
    }

    void i8(byte v) throws IOException {
        room(1).put(v);
        position += 1;
    }

    void i16(short v) throws IOException {
        room(2).putShort(v);
        position += 2;
    }

    void i32(int v) throws IOException {
        room(4).putInt(v);
        position += 4;
    }

    void i64(long v) throws IOException {
        room(8).putLong(v);
        position += 8;
    }

    void f32(float v) throws IOException {
        room(4).putFloat(v);
        position += 4;
    }

    void f64(double v) throws IOException {
        room(8).putDouble(v);
        position += 8;
    }

    /** A GGUF string: uint64 byte length, then the UTF-8 bytes. */
    void string(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        i64(bytes.length);
        bytes(MemorySegment.ofArray(bytes));
    }

    void bytes(MemorySegment data) throws IOException {
        flush();
        for (long done = 0; done < data.byteSize(); ) {
            long n = Math.min(CHUNK, data.byteSize() - done);
            ByteBuffer chunk = data.asSlice(done, n).asByteBuffer();
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            done += n;
        }
        position += data.byteSize();
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void padTo(long alignment) throws IOException {
        long padding = GgufFormat.align(position, alignment) - position;
        for (long i = 0; i < padding; i++) {
            i8((byte) 0);
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            flush();
        }
    }

    private ByteBuffer room(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
        return buffer;
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }
}
