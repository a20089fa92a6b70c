package dev.specula.router.chat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NotPrecedenceTest {

    @Test
    void expression_notBeforeTest_parenthesisesTheTest() {
        assertThat(NotPrecedence.expression(" if not tools is defined ")).isEqualTo(" if not (tools is defined)");
    }

    @Test
    void expression_notBeforeAndOr_stopsAtTheBooleanOperator() {
        assertThat(NotPrecedence.expression("not x.id is defined or x.id|length != 9"))
                .isEqualTo("not (x.id is defined) or x.id|length != 9");
        assertThat(NotPrecedence.expression("a and not b == c and d")).isEqualTo("a and not (b == c) and d");
    }

    @Test
    void expression_isNotAndNotIn_areLeftAlone() {
        assertThat(NotPrecedence.expression("tools is not none and x not in y")).isEqualTo("tools is not none and x not in y");
    }

    @Test
    void expression_notInsideBracketsOrStrings_staysInside() {
        assertThat(NotPrecedence.expression("f(not a == b, 'not x')")).isEqualTo("f(not (a == b), 'not x')");
        assertThat(NotPrecedence.expression("not (message.role == 'ipython' or 'tool_calls' in message)"))
                .isEqualTo("not ((message.role == 'ipython' or 'tool_calls' in message))");
    }

    @Test
    void rewrite_textAndComments_areUntouched() {
        String template = "not me {# not x is y #}{{ not a is b }}{%- if not c == d -%}ok{% endif %}";
        assertThat(NotPrecedence.rewrite(template))
                .isEqualTo("not me {# not x is y #}{{ not (a is b)}}{%- if not (c == d)-%}ok{% endif %}");
    }

    @Test
    void render_notBeforeTest_evaluatesAsJinja2() {
        ChatTemplate template = new ChatTemplate("{{ not tools is defined }},{{ not 1 == 2 }}", "", "");
        assertThat(template.render(List.of(), false, Map.of("tools", List.of()))).isEqualTo("false,true");
    }
}
