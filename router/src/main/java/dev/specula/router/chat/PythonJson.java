package dev.specula.router.chat;

import tools.jackson.core.io.JsonStringEncoder;

import java.util.Collection;
import java.util.Map;

/**
 * JSON as Python's {@code json.dumps(x, ensure_ascii=False, indent=indent)} writes it, which is what the
 * {@code tojson} filter of Hugging Face's chat templates produces: {@code ", "} and {@code ": "} between items
 * without indent; with indent, one item a line and {@code ","} at line ends; keys in insertion order; non-ASCII
 * kept. Jackson escapes the strings (the same escapes as Python's).
 */
final class PythonJson {

    private PythonJson() {
    }

    /**
     * @param value  maps, lists, strings, numbers, booleans and null
     * @param indent spaces per level, or negative for one line
     */
    static String dumps(Object value, int indent) {
        StringBuilder out = new StringBuilder();
        write(value, indent, 0, out);
        return out.toString();
    }

    private static void write(Object value, int indent, int depth, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Number n -> out.append(n);
            case Map<?, ?> map -> writeItems('{', '}', map.entrySet(), indent, depth, out);
            case Collection<?> list -> writeItems('[', ']', list, indent, depth, out);
            case Object[] array -> writeItems('[', ']', java.util.Arrays.asList(array), indent, depth, out);
            default -> quote(value.toString(), out);
        }
    }

    private static void writeItems(char open, char close, Collection<?> items, int indent, int depth, StringBuilder out) {
        out.append(open);
        if (items.isEmpty()) {
            out.append(close);
            return;
        }
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(indent < 0 ? ", " : ",");
            }
            first = false;
            if (indent >= 0) {
                out.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            if (item instanceof Map.Entry<?, ?> entry) {
                quote(String.valueOf(entry.getKey()), out);
                out.append(": ");
                write(entry.getValue(), indent, depth + 1, out);
            } else {
                write(item, indent, depth + 1, out);
            }
        }
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
        out.append(close);
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }
}
