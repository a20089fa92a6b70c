package dev.specula.engine.gguf;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * An open GGUF v3 file, memory-mapped read-only. The tensors' data are slices of the mapping, valid until
 * {@link #close()}; offsets are {@code long} throughout, so files over 2 GiB work.
 *
 * <p>The mapping belongs to a shared arena, so the tensors may be read from any thread.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final GgufParser.Result parsed;
    private final List<WeightTensor> tensorList;

    private GgufFile(Path path, Arena arena, GgufParser.Result parsed) {
        this.path = path;
        this.arena = arena;
        this.parsed = parsed;
        this.tensorList = List.copyOf(parsed.tensors().values());
    }

    /**
     * Maps and parses {@code path}.
     *
     * @throws ModelFormatException when the file is not a well-formed GGUF v3 file the engine supports
     * @throws IOException          when the file cannot be opened or mapped
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, GgufParser.parse(path, mapped));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** Every metadata entry, in file order. */
    public GgufMetadata metadata() {
        return parsed.metadata();
    }

    /** Every tensor, in file order. */
    public List<WeightTensor> tensors() {
        return tensorList;
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws ModelFormatException when the file has no such tensor
     */
    public WeightTensor tensor(String name) {
        WeightTensor tensor = parsed.tensors().get(name);
        if (tensor == null) {
            throw new ModelFormatException(path, "no tensor named " + name + " (the file has "
                    + tensorList.size() + " tensors" + examples() + ")");
        }
        return tensor;
    }

    /** The tensor called {@code name}, if the file has it. */
    public Optional<WeightTensor> findTensor(String name) {
        return Optional.ofNullable(parsed.tensors().get(name));
    }

    /** The alignment of the tensor data: {@code general.alignment}, or 32 when the file does not set it. */
    public long alignment() {
        return parsed.alignment();
    }

    /** File offset where the tensor data section starts. */
    public long dataOffset() {
        return parsed.dataOffset();
    }

    /**
     * File offset of the first byte of tensor {@code name}'s data.
     *
     * @throws ModelFormatException when the file has no such tensor
     */
    public long fileOffset(String name) {
        tensor(name);
        return parsed.fileOffsets().get(name);
    }

    /** Unmaps the file; the tensors' data must not be used afterwards. Closing twice does nothing. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", " + tensorList.size() + " tensors, "
                + parsed.metadata().asMap().size() + " metadata entries]";
    }

    private String examples() {
        if (tensorList.isEmpty()) {
            return "";
        }
        List<String> names = parsed.tensors().keySet().stream().limit(5).toList();
        return ", e.g. " + String.join(", ", names) + (tensorList.size() > names.size() ? ", ..." : "");
    }
}
