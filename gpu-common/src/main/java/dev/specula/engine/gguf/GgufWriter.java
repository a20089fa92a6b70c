package dev.specula.engine.gguf;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a GGUF v3 file: metadata in insertion order, then tensor infos, then the tensor data, each tensor
 * starting at a multiple of the alignment (32, or the integer the caller puts under
 * {@code general.alignment}). {@link #write(Path)} streams one tensor at a time, so the only memory it
 * needs is what the added tensors already hold; tensors backed by a mapped file are copied from the mapping.
 *
 * <p>What it writes reads back identically through {@link GgufFile}.
 */
public final class GgufWriter {

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, WeightTensor> tensors = new LinkedHashMap<>();

    /** Adds a metadata entry; arrays are checked here, so {@link #write} cannot fail on a bad element. */
    public GgufWriter put(String key, GgufValue value) {
        checkValue(key, value);
        if (key.equals(GgufFormat.ALIGNMENT_KEY)) {
            alignmentOf(value);
        }
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key " + key + " added twice (expected: unique keys)");
        }
        return this;
    }

    /** Adds a STRING entry. */
    public GgufWriter putString(String key, String value) {
        return put(key, new GgufValue(GgufValueType.STRING, value));
    }

    /** Adds a UINT32 entry, the type llama.cpp uses for sizes and counts. */
    public GgufWriter putUInt32(String key, int value) {
        return put(key, new GgufValue(GgufValueType.UINT32, value));
    }

    /** Adds a FLOAT32 entry. */
    public GgufWriter putFloat32(String key, float value) {
        return put(key, new GgufValue(GgufValueType.FLOAT32, value));
    }

    /** Adds a BOOL entry. */
    public GgufWriter putBool(String key, boolean value) {
        return put(key, new GgufValue(GgufValueType.BOOL, value));
    }

    /** Adds an ARRAY of {@code elementType} whose elements are boxed as {@link GgufValue} describes. */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> elements) {
        return put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(elementType, List.<Object>copyOf(elements))));
    }

    /** Adds a tensor; its data is read when the file is written. */
    public GgufWriter addTensor(WeightTensor tensor) {
        if (tensors.putIfAbsent(tensor.name(), tensor) != null) {
            throw new IllegalArgumentException("tensor " + tensor.name() + " added twice (expected: unique names)");
        }
        return this;
    }

    /** Adds a tensor from its stored bytes, which must be exactly {@code type.bytesFor(count of dims)}. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, byte[] data) {
        return addTensor(new WeightTensor(name, type, dims, MemorySegment.ofArray(data)));
    }

    /** Adds a tensor of {@code values} stored as {@code type}, quantized by {@link TensorCodec#quantize}. */
    public GgufWriter addQuantized(String name, GgmlType type, long[] dims, float[] values) {
        return addTensor(name, type, dims, TensorCodec.quantize(type, values));
    }

    /** The alignment {@link #write} will use. */
    public long alignment() {
        GgufValue value = metadata.get(GgufFormat.ALIGNMENT_KEY);
        return value == null ? GgufFormat.DEFAULT_ALIGNMENT : alignmentOf(value);
    }

    /**
     * Writes the file, replacing {@code path} and making its folder if needed; a partly written file is deleted
     * when writing fails.
     */
    public void write(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        try (GgufOutput out = GgufOutput.create(path)) {
            writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    private void writeTo(GgufOutput out) throws IOException {
        long alignment = alignment();
        for (byte b : GgufFormat.MAGIC) {
            out.i8(b);
        }
        out.i32(GgufFormat.VERSION);
        out.i64(tensors.size());
        out.i64(metadata.size());
        for (Map.Entry<String, GgufValue> entry : metadata.entrySet()) {
            out.string(entry.getKey());
            out.i32(entry.getValue().type().id());
            writeValue(out, entry.getValue().type(), entry.getValue().value());
        }

        List<Long> offsets = new ArrayList<>();
        long next = 0;
        for (WeightTensor tensor : tensors.values()) {
            long offset = GgufFormat.align(next, alignment);
            offsets.add(offset);
            next = offset + tensor.data().byteSize();
            out.string(tensor.name());
            long[] dims = tensor.dims();
            out.i32(dims.length);
            for (long d : dims) {
                out.i64(d);
            }
            out.i32(tensor.type().id());
            out.i64(offset);
        }

        out.padTo(alignment);
        long dataOffset = out.position();
        int i = 0;
        for (WeightTensor tensor : tensors.values()) {
            long offset = offsets.get(i++);
            // Padding between tensors: zeros up to where the tensor info said the data starts.
            while (out.position() < dataOffset + offset) {
                out.i8((byte) 0);
            }
            out.bytes(tensor.data());
        }
        // llama.cpp pads after the last tensor too, so the file size is a multiple of the alignment.
        out.padTo(alignment);
    }

    private static void writeValue(GgufOutput out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.i8((Byte) value);
            case UINT16, INT16 -> out.i16((Short) value);
            case UINT32, INT32 -> out.i32((Integer) value);
            case UINT64, INT64 -> out.i64((Long) value);
            case FLOAT32 -> out.f32((Float) value);
            case FLOAT64 -> out.f64((Double) value);
            case BOOL -> out.i8((byte) ((Boolean) value ? 1 : 0));
            case STRING -> out.string((String) value);
            case ARRAY -> {
                GgufValue.GgufArray array = (GgufValue.GgufArray) value;
                out.i32(array.elementType().id());
                out.i64(array.elements().size());
                for (Object element : array.elements()) {
                    writeValue(out, array.elementType(), element);
                }
            }
        }
    }

    /** Checks every array element against its array's element type, recursively. */
    private static void checkValue(String key, GgufValue value) {
        try {
            checkElements(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata " + key + ": " + e.getMessage(), e);
        }
    }

    private static void checkElements(GgufValue value) {
        if (value.type() == GgufValueType.ARRAY) {
            GgufValue.GgufArray array = (GgufValue.GgufArray) value.value();
            for (Object element : array.elements()) {
                checkElements(new GgufValue(array.elementType(), element));
            }
        }
    }

    private static long alignmentOf(GgufValue value) {
        long alignment = new GgufMetadata(Map.of(GgufFormat.ALIGNMENT_KEY, value)).getLong(GgufFormat.ALIGNMENT_KEY);
        if (!GgufFormat.isValidAlignment(alignment)) {
            throw new IllegalArgumentException(GgufFormat.ALIGNMENT_KEY + ": " + alignment
                    + " (expected: a power of two)");
        }
        return alignment;
    }
}
