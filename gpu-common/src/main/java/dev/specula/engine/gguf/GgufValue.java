package dev.specula.engine.gguf;

import java.util.List;

/**
 * One typed metadata value. Scalars hold the Java box of their type (UINT8/INT8 → Byte, UINT16/INT16 →
 * Short, UINT32/INT32 → Integer, UINT64/INT64 → Long, FLOAT32 → Float, FLOAT64 → Double, BOOL → Boolean,
 * STRING → String; unsigned values keep their bits). An ARRAY holds a {@link GgufArray} whose elements are
 * boxed the same way.
 *
 * @param type  the value type
 * @param value the boxed value as above
 */
public record GgufValue(GgufValueType type, Object value) {

    /** An array of values that all have one element type. */
    public record GgufArray(GgufValueType elementType, List<Object> elements) {
        public GgufArray {
            elements = List.copyOf(elements);
        }
    }

    public GgufValue {
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException("GGUF " + type + " value: " + value
                    + " (expected: a " + expected.getSimpleName() + ")");
        }
    }
}
