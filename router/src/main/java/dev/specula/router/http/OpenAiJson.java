package dev.specula.router.http;

import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.GenerationSummary;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON bodies of the API: completions, chat completions and their stream chunks, usage, errors, and the
 * {@code specula} extra field with the speculation summary.
 */
final class OpenAiJson {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Which endpoint a response belongs to: they differ in object names and where the text goes. */
    enum Kind {
        COMPLETION("text_completion", "text_completion", "cmpl-"),
        CHAT("chat.completion", "chat.completion.chunk", "chatcmpl-");

        final String object;
        final String chunkObject;
        final String idPrefix;

        Kind(String object, String chunkObject, String idPrefix) {
            this.object = object;
            this.chunkObject = chunkObject;
            this.idPrefix = idPrefix;
        }
    }

    private OpenAiJson() {
    }

    /** {@code {"error": {...}}}. */
    static ObjectNode error(ApiError error) {
        ObjectNode body = MAPPER.createObjectNode();
        body.putObject("error")
                .put("message", error.message())
                .put("type", error.type())
                .put("param", error.param())
                .put("code", error.code());
        return body;
    }

    /** The whole response of a request without streaming. */
    static ObjectNode response(Kind kind, String id, long created, String model, String text, GenerationSummary summary) {
        ObjectNode body = header(kind.object, id, created, model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        if (kind == Kind.CHAT) {
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(summary.getFinishReason()));
        body.set("usage", usage(summary));
        body.set("specula", specula(summary));
        return body;
    }

    /**
     * One stream chunk with a text delta; for chat, {@code role} opens the first one.
     *
     * @param finishReason null until the last chunk
     */
    static ObjectNode chunk(Kind kind, String id, long created, String model, String text, boolean role,
                            String finishReason) {
        ObjectNode body = header(kind.chunkObject, id, created, model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        if (kind == Kind.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (role) {
                delta.put("role", "assistant");
            }
            if (text != null) {
                delta.put("content", text);
            }
        } else {
            choice.put("text", text == null ? "" : text);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return body;
    }

    /** The last chunk before the usage chunk: the finish reason and the speculation summary. */
    static ObjectNode finalChunk(Kind kind, String id, long created, String model, GenerationSummary summary) {
        ObjectNode body = chunk(kind, id, created, model, null, false, finishReason(summary.getFinishReason()));
        body.set("specula", specula(summary));
        return body;
    }

    /** {@code stream_options.include_usage}: a chunk with no choices and the usage. */
    static ObjectNode usageChunk(Kind kind, String id, long created, String model, GenerationSummary summary) {
        ObjectNode body = header(kind.chunkObject, id, created, model);
        body.putArray("choices");
        body.set("usage", usage(summary));
        return body;
    }

    private static ObjectNode header(String object, String id, long created, String model) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("id", id).put("object", object).put("created", created).put("model", model);
        return body;
    }

    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case FINISH_REASON_MAX_TOKENS, FINISH_REASON_CONTEXT_FULL -> "length";
            default -> "stop";
        };
    }

    static ObjectNode usage(GenerationSummary summary) {
        return MAPPER.createObjectNode()
                .put("prompt_tokens", summary.getPromptTokens())
                .put("completion_tokens", summary.getCompletionTokens())
                .put("total_tokens", summary.getPromptTokens() + summary.getCompletionTokens());
    }

    /** The speculation summary: how well drafting went and who served the request. */
    static ObjectNode specula(GenerationSummary summary) {
        ObjectNode specula = MAPPER.createObjectNode()
                .put("acceptance_rate", summary.getAcceptanceRate())
                .put("mean_accepted_length", summary.getMeanAcceptedLength())
                .put("drafted_tokens", summary.getDraftedTokens())
                .put("accepted_tokens", summary.getAcceptedTokens())
                .put("verification_steps", summary.getVerificationSteps())
                .put("drafter", summary.getDrafterId())
                .put("route", summary.getRoute())
                .put("language", summary.getLanguage())
                .put("verifier", summary.getVerifierId())
                .put("tokens_per_second", summary.getTokensPerSecond())
                .put("time_to_first_token_ms", summary.getTimeToFirstTokenMs())
                .put("finish_reason", summary.getFinishReason().name());
        if (!summary.getDrafterFallback().isEmpty()) {
            specula.put("drafter_fallback", summary.getDrafterFallback());
        }
        return specula;
    }
}
