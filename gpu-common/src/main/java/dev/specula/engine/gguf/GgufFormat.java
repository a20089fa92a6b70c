package dev.specula.engine.gguf;

import dev.specula.engine.tensor.GgmlType;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Constants of the GGUF v3 layout that the reader and the writer share. */
final class GgufFormat {

    /** "GGUF" as the first four bytes of the file. */
    static final byte[] MAGIC = {0x47, 0x47, 0x55, 0x46};
    static final int VERSION = 3;
    /** Metadata key that overrides {@link #DEFAULT_ALIGNMENT}. */
    static final String ALIGNMENT_KEY = "general.alignment";
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml tensors have at most four dimensions. */
    static final int MAX_DIMS = 4;

    private GgufFormat() {
    }

    /** {@code offset} rounded up to a multiple of {@code alignment}. */
    static long align(long offset, long alignment) {
        long rest = offset % alignment;
        return rest == 0 ? offset : offset + alignment - rest;
    }

    static boolean isValidAlignment(long alignment) {
        return alignment > 0 && Long.bitCount(alignment) == 1;
    }

    /** The supported tensor types with their ids, e.g. {@code F32 (0), F16 (1)}, for error messages. */
    static String supportedTypes() {
        return Arrays.stream(GgmlType.values())
                .map(t -> t + " (" + t.id() + ")")
                .collect(Collectors.joining(", "));
    }
}
