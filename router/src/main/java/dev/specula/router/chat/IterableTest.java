package dev.specula.router.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

import java.util.Map;

/**
 * {@code x is iterable} as in jinja2, where a string is iterable too (Jinjava's says no): Llama 3.1's template
 * tells tool results it must serialise ({@code is mapping or is iterable}) by this test.
 */
final class IterableTest implements ExpTest {

    @Override
    public String getName() {
        return "iterable";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
        return var instanceof Iterable<?> || var instanceof Map<?, ?> || var instanceof CharSequence
                || (var != null && var.getClass().isArray());
    }
}
