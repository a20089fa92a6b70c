package dev.specula.router.http;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.router.chat.ChatTemplateException;
import dev.specula.router.chat.ChatTemplates;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OpenAI completion or chat completion request read into the router's GenerateRequest. Only the JSON types
 * are checked here; every value is validated by the generation service, whose errors name the gRPC field that
 * {@link ApiError#fromStatus} maps back to the request's.
 *
 * <p>Mapped: {@code model}, {@code prompt} (a string, or an array of one) or {@code messages} (through the
 * model's chat template), {@code max_tokens} / {@code max_completion_tokens}, {@code temperature} (absent:
 * greedy, Specula's default), {@code top_p}, {@code top_k} and {@code min_p} (as vLLM accepts them),
 * {@code seed}, {@code stop} (a string or an array), {@code n} (1 only), {@code stream},
 * {@code stream_options.include_usage}; {@code user} is accepted and not used. Specula's own knobs ride in an
 * extra object {@code "specula": {"language", "domain", "drafter", "speculation": "off"|"auto"|"fixed",
 * "draft_length", "max_draft_length", "draft_ahead"}}. Other fields are ignored.
 *
 * @param generate       what the generation service is asked
 * @param model          the model named, or "" for the default
 * @param stream         whether to answer with server-sent events
 * @param includeUsage   whether a stream ends with a usage chunk
 * @param promptParam    "prompt" or "messages"
 * @param maxTokensParam the field that set max_tokens
 */
record OpenAiRequest(GenerateRequest generate, String model, boolean stream, boolean includeUsage, String promptParam,
                     String maxTokensParam) {

    /** {@code POST /v1/completions}. */
    static OpenAiRequest completion(JsonNode body) {
        JsonNode prompt = body.get("prompt");
        String text;
        if (prompt != null && prompt.isString()) {
            text = prompt.asString();
        } else if (prompt != null && prompt.isArray() && prompt.size() == 1 && prompt.get(0).isString()) {
            text = prompt.get(0).asString();
        } else {
            throw error("prompt", "prompt: " + describe(prompt) + " (expected: a string, or an array of one string)");
        }
        return build(body, text, "prompt");
    }

    /** {@code POST /v1/chat/completions}: the conversation rendered with the model's chat template. */
    static OpenAiRequest chat(JsonNode body, ChatTemplates templates, String defaultModel) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw error("messages", "messages: " + describe(messages) + " (expected: a non-empty array of messages)");
        }
        List<Map<String, Object>> conversation = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(message(messages.get(i), i));
        }
        String model = string(body, "model");
        // A conversation that ends with the assistant's message is continued (prefill), else the assistant answers.
        boolean continueLast = "assistant".equals(conversation.getLast().get("role"));
        String prompt;
        try {
            prompt = templates.of(model.isEmpty() ? defaultModel : model).renderPrompt(conversation, !continueLast);
        } catch (ChatTemplateException e) {
            throw error("messages", "messages: the chat template refused them: " + e.getMessage());
        }
        return build(body, prompt, "messages");
    }

    private static Map<String, Object> message(JsonNode node, int index) {
        String where = "messages[" + index + "]";
        if (node == null || !node.isObject()) {
            throw error("messages", where + ": " + describe(node) + " (expected: an object with role and content)");
        }
        JsonNode role = node.get("role");
        if (role == null || !role.isString()) {
            throw error("messages", where + ".role: " + describe(role) + " (expected: a string)");
        }
        JsonNode content = node.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isString()) {
            text = content.asString();
        } else if (content.isArray()) {
            StringBuilder parts = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asString("")) || !part.path("text").isString()) {
                    throw error("messages", where + ".content: a part " + describe(part)
                            + " (expected: {\"type\": \"text\", \"text\": ...}; only text is supported)");
                }
                parts.append(part.get("text").asString());
            }
            text = parts.toString();
        } else {
            throw error("messages", where + ".content: " + describe(content) + " (expected: a string or text parts)");
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role.asString());
        message.put("content", text);
        return message;
    }

    private static OpenAiRequest build(JsonNode body, String prompt, String promptParam) {
        GenerateRequest.Builder request = GenerateRequest.newBuilder().setPrompt(prompt);
        String model = string(body, "model");
        if (!model.isEmpty()) {
            request.setModel(model);
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw error("n", "n: " + n + " (expected: 1; Specula generates one choice per request)");
        }
        String maxTokensParam = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (body.hasNonNull(maxTokensParam)) {
            request.setMaxTokens(integer(body, maxTokensParam));
        }
        Sampling.Builder sampling = Sampling.newBuilder();
        if (body.hasNonNull("temperature")) {
            sampling.setTemperature((float) number(body, "temperature"));
        }
        if (body.hasNonNull("top_p")) {
            sampling.setTopP((float) number(body, "top_p"));
        }
        if (body.hasNonNull("top_k") && integer(body, "top_k") != -1) { // vLLM's -1 is off, as 0 is here
            sampling.setTopK(integer(body, "top_k"));
        }
        if (body.hasNonNull("min_p")) {
            sampling.setMinP((float) number(body, "min_p"));
        }
        if (body.hasNonNull("seed")) {
            if (!body.get("seed").isIntegralNumber()) {
                throw error("seed", "seed: " + body.get("seed") + " (expected: an integer)");
            }
            sampling.setSeed(body.get("seed").asLong());
        }
        if (!sampling.build().equals(Sampling.getDefaultInstance())) {
            request.setSampling(sampling);
        }
        request.addAllStop(stop(body.get("stop")));
        string(body, "user"); // accepted for compatibility; a string if given
        speculaOptions(body.get("specula"), request);
        boolean stream = bool(body, "stream");
        JsonNode options = body.get("stream_options");
        boolean includeUsage = options != null && options.isObject() && bool(options, "include_usage");
        return new OpenAiRequest(request.build(), model, stream, includeUsage, promptParam, maxTokensParam);
    }

    private static void speculaOptions(JsonNode specula, GenerateRequest.Builder request) {
        if (specula == null || specula.isNull()) {
            return;
        }
        if (!specula.isObject()) {
            throw error("specula", "specula: " + describe(specula) + " (expected: an object)");
        }
        String language = string(specula, "specula.", "language");
        if (!language.isEmpty()) {
            request.setLanguage(language);
        }
        String domain = string(specula, "specula.", "domain");
        if (!domain.isEmpty()) {
            request.setDomain(domain);
        }
        String drafter = string(specula, "specula.", "drafter");
        if (!drafter.isEmpty()) {
            request.setDrafter(drafter);
        }
        Speculation.Builder speculation = Speculation.newBuilder();
        String mode = string(specula, "specula.", "speculation");
        if (!mode.isEmpty()) {
            speculation.setMode(switch (mode.toLowerCase(Locale.ROOT)) {
                case "off" -> SpeculationMode.SPECULATION_MODE_OFF;
                case "auto" -> SpeculationMode.SPECULATION_MODE_AUTO;
                case "fixed" -> SpeculationMode.SPECULATION_MODE_FIXED;
                default -> throw error("specula.speculation", "specula.speculation: '" + mode
                        + "' (expected: off, auto or fixed)");
            });
        }
        if (specula.hasNonNull("draft_length")) {
            speculation.setDraftLength(integer(specula, "specula.", "draft_length"));
        }
        if (specula.hasNonNull("max_draft_length")) {
            speculation.setMaxDraftLength(integer(specula, "specula.", "max_draft_length"));
        }
        if (specula.hasNonNull("draft_ahead")) {
            speculation.setDraftAhead(bool(specula, "specula.", "draft_ahead"));
        }
        if (!speculation.build().equals(Speculation.getDefaultInstance())) {
            request.setSpeculation(speculation);
        }
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        List<String> sequences = new ArrayList<>();
        if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isString()) {
                    throw error("stop", "stop: an entry " + describe(s) + " (expected: strings)");
                }
                sequences.add(s.asString());
            }
            return sequences;
        }
        throw error("stop", "stop: " + describe(stop) + " (expected: a string or an array of strings)");
    }

    private static String string(JsonNode body, String field) {
        return string(body, "", field);
    }

    /** {@code field} of {@code body}, named {@code prefix + field} in errors. */
    private static String string(JsonNode body, String prefix, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            throw error(prefix + field, prefix + field + ": " + describe(value) + " (expected: a string)");
        }
        return value.asString();
    }

    private static double number(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (!value.isNumber()) {
            throw error(field, field + ": " + describe(value) + " (expected: a number)");
        }
        return value.asDouble();
    }

    private static int integer(JsonNode body, String field) {
        return integer(body, "", field);
    }

    /** {@code field} of {@code body}, named {@code prefix + field} in errors. */
    private static int integer(JsonNode body, String prefix, String field) {
        JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw error(prefix + field, prefix + field + ": " + describe(value) + " (expected: an integer)");
        }
        return value.asInt();
    }

    private static boolean bool(JsonNode body, String field) {
        return bool(body, "", field);
    }

    /** {@code field} of {@code body}, named {@code prefix + field} in errors. */
    private static boolean bool(JsonNode body, String prefix, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw error(prefix + field, prefix + field + ": " + describe(value) + " (expected: true or false)");
        }
        return value.asBoolean();
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static ApiException error(String param, String message) {
        return new ApiException(ApiError.invalid(param, message));
    }
}
