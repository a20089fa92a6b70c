package dev.specula.router.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template ({@code tokenizer.chat_template}, Jinja) and its special tokens, rendered as Hugging
 * Face's {@code apply_chat_template} renders it with Python's jinja2: trim_blocks and lstrip_blocks on, loop
 * controls, {@code raise_exception}, {@code strftime_now}, namespaces, its {@code tojson} and Python's idea of
 * {@code iterable}; the template's
 * single trailing newline dropped (jinja2's keep_trailing_newline off). Jinjava runs the template, with its
 * prefix {@code not} parsed as jinja2 parses it ({@link NotPrecedence}).
 */
public final class ChatTemplate {

    /**
     * The template of a model that has none: ChatML, the format most chat models and tools know, with no
     * special tokens. Every message is {@code <|im_start|>role\ncontent<|im_end|>\n}; the generation prompt is
     * {@code <|im_start|>assistant\n}.
     */
    public static final String DEFAULT_SOURCE = """
            {%- for message in messages %}
                {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    private static final Jinjava JINJAVA = jinjava();

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final boolean isDefault;

    /**
     * @param source   the Jinja text, as in the GGUF's {@code tokenizer.chat_template}
     * @param bosToken the text of the BOS token ({@code bos_token}), "" when the model has none
     * @param eosToken the text of the EOS token ({@code eos_token}), "" when the model has none
     */
    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, false);
    }

    private ChatTemplate(String source, String bosToken, String eosToken, boolean isDefault) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("chat template: empty (expected: Jinja text)");
        }
        String trimmed = source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        this.source = NotPrecedence.rewrite(trimmed);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.isDefault = isDefault;
    }

    /** The template of a model without one: {@link #DEFAULT_SOURCE}. */
    public static ChatTemplate defaultTemplate() {
        return new ChatTemplate(DEFAULT_SOURCE, "", "", true);
    }

    /** Whether this is {@link #DEFAULT_SOURCE} because the model has no template of its own. */
    public boolean isDefault() {
        return isDefault;
    }

    /** The BOS token's text, which the verifier adds by itself (see {@link #renderPrompt}). */
    public String bosToken() {
        return bosToken;
    }

    /**
     * Renders a conversation.
     *
     * @param messages            each with "role" and "content" (and whatever else the template reads)
     * @param addGenerationPrompt whether to end with the assistant's turn opening (false to continue the last
     *                            assistant message: prefill)
     * @param extra               further variables (tools, date_string, ...); may be empty
     * @throws ChatTemplateException when the template raises or cannot render
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> bindings = new HashMap<>(extra);
        List<Map<String, Object>> copies = new ArrayList<>();
        messages.forEach(m -> copies.add(new LinkedHashMap<>(m)));
        bindings.put("messages", copies);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        RenderResult result = JINJAVA.renderForResult(source, bindings);
        for (TemplateError error : result.getErrors()) {
            if (error.getException() != null && findRaised(error.getException()) instanceof ChatTemplateException raised) {
                throw raised;
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("chat template: line " + error.getLineno() + ": " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    /**
     * The prompt text the verifier completes: the rendered conversation without a leading {@code bos_token},
     * since the verifier adds BOS itself when it tokenizes (a second one would change the model's input).
     */
    public String renderPrompt(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        String text = render(messages, addGenerationPrompt, Map.of());
        return !bosToken.isEmpty() && text.startsWith(bosToken) ? text.substring(bosToken.length()) : text;
    }

    private static Throwable findRaised(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ChatTemplateException) {
                return c;
            }
        }
        return null;
    }

    private static Jinjava jinjava() {
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withHandleBackslashInQuotesOnly(true)
                .withKeepNullableLoopValues(true)
                .withEvaluateMapKeys(true)
                .withIterateOverMapKeys(true)
                .withUsePyishObjectMapper(true)
                .build();
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(python)
                .build());
        jinjava.registerFilter(new ToJsonFilter());
        jinjava.registerExpTest(new IterableTest());
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplateFunctions.class,
                "raiseException", Object.class));
        jinjava.registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplateFunctions.class,
                "strftimeNow", String.class));
        return jinjava;
    }
}
