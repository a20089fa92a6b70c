package dev.specula.router.http;

import io.grpc.Status;

import java.util.Map;

/**
 * An error in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with its HTTP status.
 *
 * @param httpStatus the HTTP status
 * @param message    what was wrong, for people
 * @param type       OpenAI's error type ("invalid_request_error", ...)
 * @param param      the request field at fault, or null
 * @param code       a machine-readable code, or null
 */
record ApiError(int httpStatus, String message, String type, String param, String code) {

    /** gRPC field names (the prefix of the generation service's messages) → OpenAI request fields. */
    private static final Map<String, String> PARAMS = Map.ofEntries(
            Map.entry("sampling.temperature", "temperature"),
            Map.entry("sampling.top_p", "top_p"),
            Map.entry("sampling.top_k", "top_k"),
            Map.entry("sampling.min_p", "min_p"),
            Map.entry("stop", "stop"),
            Map.entry("model", "model"),
            Map.entry("language", "specula.language"),
            Map.entry("domain", "specula.domain"),
            Map.entry("drafter", "specula.drafter"),
            Map.entry("speculation.mode", "specula.speculation"),
            Map.entry("speculation.draft_length", "specula.draft_length"),
            Map.entry("speculation.max_draft_length", "specula.max_draft_length"));

    /** 400: a request field that cannot be read as the API defines it. */
    static ApiError invalid(String param, String message) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    /**
     * The HTTP form of a status the generation service answered with. Its message starts with the gRPC field
     * ("sampling.top_p: 1.5 (expected: ...)"), which names the OpenAI param.
     *
     * @param promptParam    "prompt" or "messages": where the prompt came from
     * @param maxTokensParam "max_tokens" or "max_completion_tokens": the name the request used
     */
    static ApiError fromStatus(Status status, String promptParam, String maxTokensParam) {
        String message = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        String field = message.contains(":") ? message.substring(0, message.indexOf(':')).replaceAll("\\[\\d+]$", "") : "";
        String param = switch (field) {
            case "prompt" -> promptParam;
            case "max_tokens" -> maxTokensParam;
            default -> PARAMS.get(field);
        };
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> "model".equals(field)
                    ? new ApiError(404, message, "invalid_request_error", "model", "model_not_found")
                    : new ApiError(400, message, "invalid_request_error", param, null);
            case OUT_OF_RANGE -> new ApiError(400, message, "invalid_request_error",
                    param == null ? promptParam : param, "context_length_exceeded");
            case FAILED_PRECONDITION -> new ApiError(400, message, "invalid_request_error", param, null);
            case RESOURCE_EXHAUSTED -> new ApiError(429, message, "rate_limit_error", null, "rate_limit_exceeded");
            case UNAVAILABLE -> new ApiError(503, message, "server_error", null, "service_unavailable");
            case DEADLINE_EXCEEDED -> new ApiError(504, message, "server_error", null, "timeout");
            default -> new ApiError(500, message, "server_error", null, null);
        };
    }
}
