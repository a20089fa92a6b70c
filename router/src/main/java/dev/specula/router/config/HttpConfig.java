package dev.specula.router.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router's OpenAI-compatible HTTP API (see {@code dev.specula.router.http}); absent from the router's
 * configuration means no HTTP port.
 *
 * @param port          the HTTP port; 0 picks a free one; default (in YAML) {@value #DEFAULT_PORT}
 * @param maxBodyBytes  the largest request body accepted; larger ones get 413; default 1 MiB
 * @param chatTemplates model name → its chat template; a model without one gets the default (ChatML)
 */
public record HttpConfig(int port, long maxBodyBytes, Map<String, ChatTemplateConfig> chatTemplates) {

    /** The port of an {@code http} section that names none. */
    public static final int DEFAULT_PORT = 8080;
    /** The default {@link #maxBodyBytes}. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1 << 20;

    /** Validates; an absent map is empty. */
    public HttpConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http.port: " + port + " (expected: 0..65535, 0 picks a free one)");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("http.maxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
        }
        chatTemplates = chatTemplates == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(chatTemplates));
        chatTemplates.forEach((model, template) -> {
            if (template == null) {
                throw new IllegalArgumentException("http.chatTemplates." + model + ": empty (expected: file, bosToken, eosToken)");
            }
        });
    }

    /** HTTP on {@code port} with the default body limit and no chat templates. */
    public static HttpConfig onPort(int port) {
        return new HttpConfig(port, DEFAULT_MAX_BODY_BYTES, Map.of());
    }

    /** This configuration with relative template files resolved against {@code dir}. */
    HttpConfig resolvedAgainst(Path dir) {
        Map<String, ChatTemplateConfig> resolved = new LinkedHashMap<>();
        chatTemplates.forEach((model, t) -> resolved.put(model,
                new ChatTemplateConfig(dir.resolve(t.file()), t.bosToken(), t.eosToken())));
        return new HttpConfig(port, maxBodyBytes, resolved);
    }

    /**
     * A model's chat template: the Jinja text of its GGUF's {@code tokenizer.chat_template}, saved to a file,
     * with the texts of its special tokens (the router never reads model files; this is what it needs of them).
     *
     * @param file     the template file (relative paths resolve against the router configuration's folder)
     * @param bosToken the BOS token's text ("<s>", "<|begin_of_text|>"); may be empty
     * @param eosToken the EOS token's text ("</s>", "<|eot_id|>"); may be empty
     */
    public record ChatTemplateConfig(Path file, String bosToken, String eosToken) {

        /** Validates; absent tokens are empty. */
        public ChatTemplateConfig {
            if (file == null) {
                throw new IllegalArgumentException("file: missing (expected: the chat template's Jinja file)");
            }
            bosToken = bosToken == null ? "" : bosToken;
            eosToken = eosToken == null ? "" : eosToken;
        }
    }
}
