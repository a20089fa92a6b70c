package dev.specula.router.chat;

import dev.specula.router.config.HttpConfig.ChatTemplateConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The chat template of every model the router serves: the configured one, or {@link ChatTemplate#defaultTemplate()}
 * for a model that has none.
 */
public final class ChatTemplates {

    private final Map<String, ChatTemplate> byModel;

    private ChatTemplates(Map<String, ChatTemplate> byModel) {
        this.byModel = byModel;
    }

    /**
     * Reads the configured templates.
     *
     * @param models     the models the router serves
     * @param configured model → its template file and special tokens; every model named must be served
     * @throws IllegalArgumentException naming the model and file when a file cannot be read or the model is unknown
     */
    public static ChatTemplates load(Set<String> models, Map<String, ChatTemplateConfig> configured) {
        Map<String, ChatTemplate> byModel = new LinkedHashMap<>();
        configured.forEach((model, config) -> {
            if (!models.contains(model)) {
                throw new IllegalArgumentException("http.chatTemplates." + model + ": not a configured model (expected: one of "
                        + models + ")");
            }
            try {
                byModel.put(model, new ChatTemplate(Files.readString(config.file()), config.bosToken(), config.eosToken()));
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("http.chatTemplates." + model + ".file: cannot read " + config.file()
                        + " (" + e.getMessage() + ")", e);
            }
        });
        for (String model : models) {
            byModel.putIfAbsent(model, ChatTemplate.defaultTemplate());
        }
        return new ChatTemplates(Map.copyOf(byModel));
    }

    /** The template of {@code model}; the default one for a model the router does not serve (the request is
     * then refused by the generation service, which owns that check). */
    public ChatTemplate of(String model) {
        return byModel.getOrDefault(model, ChatTemplate.defaultTemplate());
    }
}
