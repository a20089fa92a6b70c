package dev.specula.router.chat;

import dev.specula.engine.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every template in {@code ../shared/fixtures/chat-templates} renders every conversation of
 * {@code chat-templates/conversations.json} (with its tools) byte for byte as Python's jinja2 does: the expected renders in
 * {@code chat-templates/expected/} were written once by {@code chat-templates/generator/render_expected.py}.
 */
class ChatTemplateFixturesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> cases() {
        JsonNode spec = resource("conversations.json");
        List<Arguments> cases = new ArrayList<>();
        for (String template : spec.get("specialTokens").propertyNames()) {
            for (String conversation : spec.get("conversations").propertyNames()) {
                cases.add(Arguments.of(template, conversation));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void render_fixtureConversation_equalsPythonJinja2(String templateName, String conversationName) throws IOException {
        Path file = SharedData.require("fixtures/chat-templates/" + templateName);
        JsonNode spec = resource("conversations.json");
        JsonNode tokens = spec.get("specialTokens").get(templateName);
        JsonNode conversation = spec.get("conversations").get(conversationName);
        ChatTemplate template = new ChatTemplate(Files.readString(file), tokens.get("bos_token").asString(),
                tokens.get("eos_token").asString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = JSON.convertValue(conversation.get("messages"), List.class);
        boolean addGenerationPrompt = conversation.get("add_generation_prompt").asBoolean();
        Map<String, Object> extra = conversation.has("tools")
                ? Map.of("tools", JSON.convertValue(conversation.get("tools"), List.class)) : Map.of();
        String expected = expected(templateName, conversationName);

        if (expected.startsWith("ERROR: ")) {
            assertThatThrownBy(() -> template.render(messages, addGenerationPrompt, extra))
                    .isInstanceOf(ChatTemplateException.class)
                    .hasMessage(expected.substring("ERROR: ".length()));
        } else {
            assertThat(template.render(messages, addGenerationPrompt, extra)).isEqualTo(expected);
        }
    }

    private static String expected(String template, String conversation) throws IOException {
        try (InputStream in = ChatTemplateFixturesTest.class.getResourceAsStream(
                "/chat-templates/expected/" + template + "/" + conversation + ".txt")) {
            assertThat(in).as("expected render of %s / %s", template, conversation).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode resource(String name) {
        try (InputStream in = ChatTemplateFixturesTest.class.getResourceAsStream("/chat-templates/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
