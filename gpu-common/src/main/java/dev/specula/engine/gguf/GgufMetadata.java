package dev.specula.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file, in file order, with typed getters that say which key is missing
 * or has the wrong type.
 */
public final class GgufMetadata {

    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every entry, in file order. */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String getString(String key) {
        return (String) require(key, GgufValueType.STRING).value();
    }

    /** An integer of any width; unsigned 32-bit values are read as unsigned. */
    public long getLong(String key) {
        GgufValue v = get(key);
        return switch (v.type()) {
            case UINT8 -> Byte.toUnsignedLong((Byte) v.value());
            case INT8 -> (Byte) v.value();
            case UINT16 -> Short.toUnsignedLong((Short) v.value());
            case INT16 -> (Short) v.value();
            case UINT32 -> Integer.toUnsignedLong((Integer) v.value());
            case INT32 -> (Integer) v.value();
            case UINT64, INT64 -> (Long) v.value();
            default -> throw wrongType(key, v, "an integer");
        };
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("GGUF metadata " + key + ": " + v + " (expected: fits in an int)");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) {
        return contains(key) ? getInt(key) : defaultValue;
    }

    /** A float of either width, or an integer. */
    public double getDouble(String key) {
        GgufValue v = get(key);
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (Double) v.value();
            case STRING, ARRAY, BOOL -> throw wrongType(key, v, "a number");
            default -> getLong(key);
        };
    }

    public double getDouble(String key, double defaultValue) {
        return contains(key) ? getDouble(key) : defaultValue;
    }

    public boolean getBoolean(String key) {
        return (Boolean) require(key, GgufValueType.BOOL).value();
    }

    public GgufValue.GgufArray getArray(String key) {
        return (GgufValue.GgufArray) require(key, GgufValueType.ARRAY).value();
    }

    /** An array of strings, e.g. {@code tokenizer.ggml.tokens}. */
    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        GgufValue.GgufArray array = getArray(key);
        if (array.elementType() != GgufValueType.STRING) {
            throw new IllegalArgumentException("GGUF metadata " + key + ": array of " + array.elementType()
                    + " (expected: array of STRING)");
        }
        return (List<String>) (List<?>) array.elements();
    }

    /** An array of FLOAT32, e.g. {@code tokenizer.ggml.scores}. */
    public float[] getFloatArray(String key) {
        GgufValue.GgufArray array = getArray(key);
        if (array.elementType() != GgufValueType.FLOAT32) {
            throw new IllegalArgumentException("GGUF metadata " + key + ": array of " + array.elementType()
                    + " (expected: array of FLOAT32)");
        }
        float[] out = new float[array.elements().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) array.elements().get(i);
        }
        return out;
    }

    /** An array of 32-bit integers, e.g. {@code tokenizer.ggml.token_type}. */
    public int[] getIntArray(String key) {
        GgufValue.GgufArray array = getArray(key);
        if (array.elementType() != GgufValueType.INT32 && array.elementType() != GgufValueType.UINT32) {
            throw new IllegalArgumentException("GGUF metadata " + key + ": array of " + array.elementType()
                    + " (expected: array of INT32 or UINT32)");
        }
        int[] out = new int[array.elements().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Integer) array.elements().get(i);
        }
        return out;
    }

    private GgufValue get(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new NoSuchElementException("GGUF metadata has no key " + key);
        }
        return v;
    }

    private GgufValue require(String key, GgufValueType type) {
        GgufValue v = get(key);
        if (v.type() != type) {
            throw wrongType(key, v, type.toString());
        }
        return v;
    }

    private static IllegalArgumentException wrongType(String key, GgufValue v, String expected) {
        return new IllegalArgumentException("GGUF metadata " + key + ": " + v.type() + " (expected: " + expected + ")");
    }
}
