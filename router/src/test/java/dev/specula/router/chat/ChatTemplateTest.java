package dev.specula.router.chat;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatTemplateTest {

    private static final List<Map<String, Object>> CHAT = List.of(message("system", "Be brief."), message("user", "Hi"));

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    @Test
    void defaultTemplate_systemAndUser_rendersChatMlWithGenerationPrompt() {
        ChatTemplate template = ChatTemplate.defaultTemplate();

        assertThat(template.isDefault()).isTrue();
        assertThat(template.render(CHAT, true, Map.of())).isEqualTo(
                "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void renderPrompt_templateStartsWithBos_dropsTheBosTheVerifierAdds() {
        ChatTemplate template = new ChatTemplate("{{ bos_token }}{% for m in messages %}[{{ m.content }}]{% endfor %}",
                "<s>", "</s>");

        assertThat(template.render(CHAT, false, Map.of())).isEqualTo("<s>[Be brief.][Hi]");
        assertThat(template.renderPrompt(CHAT, false)).isEqualTo("[Be brief.][Hi]");
    }

    @Test
    void render_raiseException_throwsWithTheTemplatesMessage() {
        ChatTemplate template = new ChatTemplate("{{ raise_exception('roles must alternate') }}", "", "");

        assertThatThrownBy(() -> template.render(CHAT, true, Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessage("roles must alternate");
    }

    @Test
    void render_strftimeNow_formatsToday() {
        ChatTemplate template = new ChatTemplate("{{ strftime_now('%Y-%m-%d') }}", "", "");

        String today = template.render(CHAT, true, Map.of());

        assertThat(today).isIn(LocalDate.now().toString(), LocalDate.now().minusDays(1).toString());
    }

    @Test
    void render_namespaceAndLoopControls_behaveAsJinja2() {
        ChatTemplate template = new ChatTemplate("""
                {%- set ns = namespace(count=0) %}
                {%- for m in messages %}
                    {%- if m.role == 'system' %}{% continue %}{% endif %}
                    {%- set ns.count = ns.count + 1 %}
                    {%- if loop.last %}{% break %}{% endif %}
                {%- endfor %}
                {{- ns.count }}|{{ messages[0] | tojson }}
                """, "", "");

        assertThat(template.render(CHAT, true, Map.of()))
                .isEqualTo("1|{\"role\": \"system\", \"content\": \"Be brief.\"}");
    }

    @Test
    void render_unknownFunction_throwsNamingTheLine() {
        ChatTemplate template = new ChatTemplate("line one\n{{ no_such_function(messages) }}", "", "");

        assertThatThrownBy(() -> template.render(CHAT, true, Map.of()))
                .isInstanceOf(ChatTemplateException.class).hasMessageContaining("line 2");
    }

    @Test
    void constructor_emptySource_isRefused() {
        assertThatThrownBy(() -> new ChatTemplate(" ", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat template: empty");
    }
}
