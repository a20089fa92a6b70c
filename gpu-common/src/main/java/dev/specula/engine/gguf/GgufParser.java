package dev.specula.engine.gguf;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.WeightTensor;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the header, metadata and tensor infos of a mapped GGUF v3 file and slices the tensor data out of
 * the mapping. Every problem becomes a {@link ModelFormatException} that names the file.
 */
final class GgufParser {

    /** Deeper array nesting than any real file uses; the limit keeps a corrupt file from overflowing the stack. */
    private static final int MAX_ARRAY_NESTING = 16;
    /** Fewest bytes one tensor info can take: name length, n_dims, one dim, type, offset. */
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** Fewest bytes one metadata entry can take: key length, value type, a one-byte value. */
    private static final long MIN_METADATA_ENTRY_BYTES = 8 + 4 + 1;

    /** What a parse yields: the tensors are slices of the segment that was parsed. */
    record Result(GgufMetadata metadata, long alignment, long dataOffset,
                  Map<String, WeightTensor> tensors, Map<String, Long> fileOffsets) {
    }

    private record TensorInfo(String name, GgmlType type, long[] dims, long offset, long bytes) {
    }

    private final GgufCursor in;

    private GgufParser(Path file, MemorySegment segment) {
        this.in = new GgufCursor(file, segment);
    }

    static Result parse(Path file, MemorySegment segment) {
        return new GgufParser(file, segment).parse();
    }

    private Result parse() {
        readMagic();
        readVersion();
        long tensorCount = in.i64("header tensor_count");
        long metadataCount = in.i64("header metadata_kv_count");
        in.checkCount(tensorCount, MIN_TENSOR_INFO_BYTES, "header tensor_count");
        in.checkCount(metadataCount, MIN_METADATA_ENTRY_BYTES, "header metadata_kv_count");

        GgufMetadata metadata = readMetadata((int) metadataCount);
        long alignment = alignment(metadata);
        List<TensorInfo> infos = new ArrayList<>();
        for (int i = 0; i < tensorCount; i++) {
            infos.add(readTensorInfo(i, alignment));
        }
        long dataOffset = GgufFormat.align(in.position(), alignment);

        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        Map<String, Long> fileOffsets = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            long start = dataOffset + info.offset();
            long available = Math.max(0, in.fileSize() - start);
            if (info.bytes() > available) {
                throw in.error("truncated tensor data: tensor " + info.name() + " (" + info.type() + " "
                        + Arrays.toString(info.dims()) + ") needs " + info.bytes() + " bytes at file offset " + start
                        + " but only " + available + " are available (file size " + in.fileSize() + ")");
            }
            MemorySegment data = in.slice(start, info.bytes());
            if (tensors.putIfAbsent(info.name(), new WeightTensor(info.name(), info.type(), info.dims(), data)) != null) {
                throw in.error("tensor name " + info.name() + " appears twice (expected: unique tensor names)");
            }
            fileOffsets.put(info.name(), start);
        }
        return new Result(metadata, alignment, dataOffset, tensors, fileOffsets);
    }

    private void readMagic() {
        byte[] found = new byte[4];
        for (int i = 0; i < 4; i++) {
            found[i] = in.i8("header magic");
        }
        if (!Arrays.equals(found, GgufFormat.MAGIC)) {
            throw in.error("not a GGUF file: magic bytes " + hex(found) + " (\""
                    + new String(found, StandardCharsets.ISO_8859_1).replaceAll("\\p{Cntrl}", "?")
                    + "\") (expected: 0x47 0x47 0x55 0x46, \"GGUF\")");
        }
    }

    private void readVersion() {
        int version = in.i32("header version");
        if (version != GgufFormat.VERSION) {
            String hint = Integer.reverseBytes(version) == GgufFormat.VERSION
                    ? "; the file looks big-endian, which is not supported" : "";
            throw in.error("unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (expected: " + GgufFormat.VERSION + ")" + hint);
        }
    }

    private GgufMetadata readMetadata(int count) {
        Map<String, GgufValue> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String key = in.string("metadata key #" + i);
            GgufValueType type = valueType(in.i32("value type of metadata " + key), "metadata " + key);
            if (values.put(key, readValue(type, key, 0)) != null) {
                throw in.error("metadata key " + key + " appears twice (expected: unique keys)");
            }
        }
        return new GgufMetadata(values);
    }

    private GgufValue readValue(GgufValueType type, String key, int nesting) {
        String what = "metadata " + key;
        Object value = switch (type) {
            case UINT8, INT8 -> in.i8(what);
            case UINT16, INT16 -> in.i16(what);
            case UINT32, INT32 -> in.i32(what);
            case UINT64, INT64 -> in.i64(what);
            case FLOAT32 -> in.f32(what);
            case FLOAT64 -> in.f64(what);
            case BOOL -> in.i8(what) != 0;
            case STRING -> in.string(what);
            case ARRAY -> readArray(key, nesting);
        };
        return new GgufValue(type, value);
    }

    private GgufValue.GgufArray readArray(String key, int nesting) {
        String what = "metadata " + key;
        if (nesting >= MAX_ARRAY_NESTING) {
            throw in.error(what + " nests arrays deeper than " + MAX_ARRAY_NESTING + " levels at offset "
                    + in.position());
        }
        GgufValueType elementType = valueType(in.i32("element type of " + what), "array element of " + what);
        long count = in.i64("array length of " + what);
        in.checkCount(count, minBytes(elementType), "array length of " + what);
        List<Object> elements = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            elements.add(readValue(elementType, key, nesting + 1).value());
        }
        return new GgufValue.GgufArray(elementType, elements);
    }

    private GgufValueType valueType(int id, String what) {
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw in.error("unknown value type id " + Integer.toUnsignedString(id) + " for " + what + " at offset "
                    + (in.position() - 4) + " (expected: 0 to " + (GgufValueType.values().length - 1) + ")");
        }
        return type;
    }

    private long alignment(GgufMetadata metadata) {
        if (!metadata.contains(GgufFormat.ALIGNMENT_KEY)) {
            return GgufFormat.DEFAULT_ALIGNMENT;
        }
        long alignment;
        try {
            alignment = metadata.getLong(GgufFormat.ALIGNMENT_KEY);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(in.file(), e.getMessage(), e);
        }
        if (!GgufFormat.isValidAlignment(alignment)) {
            throw in.error(GgufFormat.ALIGNMENT_KEY + " is " + alignment + " (expected: a power of two)");
        }
        return alignment;
    }

    private TensorInfo readTensorInfo(int index, long alignment) {
        String name = in.string("name of tensor #" + index);
        String what = "tensor " + name;
        int nDims = in.i32("dimension count of " + what);
        if (nDims < 1 || nDims > GgufFormat.MAX_DIMS) {
            throw in.error(what + " has " + Integer.toUnsignedString(nDims) + " dimensions (expected: 1 to "
                    + GgufFormat.MAX_DIMS + ")");
        }
        long[] dims = new long[nDims];
        for (int d = 0; d < nDims; d++) {
            dims[d] = in.i64("dimension " + d + " of " + what);
        }
        int typeId = in.i32("type of " + what);
        long offset = in.i64("data offset of " + what);

        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw in.error(what + " has unknown tensor type id " + Integer.toUnsignedString(typeId)
                    + " (supported: " + GgufFormat.supportedTypes() + ")");
        }
        long count = elementCount(what, dims);
        if (dims[0] % type.blockSize() != 0) {
            throw in.error(what + " " + type + " " + Arrays.toString(dims) + ": the first dimension " + dims[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        if (offset < 0 || offset % alignment != 0) {
            throw in.error(what + " data offset " + Long.toUnsignedString(offset)
                    + " is not aligned (expected: a multiple of " + alignment + ")");
        }
        return new TensorInfo(name, type, dims, offset, type.bytesFor(count));
    }

    private long elementCount(String what, long[] dims) {
        long count = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw in.error(what + " has dims " + Arrays.toString(dims) + " (expected: all between 1 and 2^63)");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw in.error(what + " has dims " + Arrays.toString(dims) + ": more than 2^63 elements");
            }
        }
        return count;
    }

    private static long minBytes(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64, STRING -> 8;
            case ARRAY -> 4 + 8;
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format("0x%02X", b & 0xFF));
        }
        return sb.toString();
    }
}
