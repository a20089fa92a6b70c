package dev.specula.engine.gguf;

/** The metadata value types of GGUF v3, with their ids on disk. */
public enum GgufValueType {
    UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64;

    /** The id written in the file. */
    public int id() {
        return ordinal();
    }

    /** The type with the given id, or {@code null} when the id is not a GGUF value type. */
    public static GgufValueType byId(int id) {
        return id >= 0 && id < values().length ? values()[id] : null;
    }
}
