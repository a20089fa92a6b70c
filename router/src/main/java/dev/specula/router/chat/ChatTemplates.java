package dev.specula.router.chat;

import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.router.config.HttpConfig.ChatTemplateConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The chat template of every model the router serves: the one configured for it, else the one its model file
 * carries (asked of a verifier of the model with DescribeModel, once, then kept), else
 * {@link ChatTemplate#defaultTemplate()} for a model that has none. Thread-safe.
 */
public final class ChatTemplates {

    private final Set<String> models;
    private final Function<String, DescribeModelResponse> describer;
    private final Map<String, ChatTemplate> byModel = new ConcurrentHashMap<>();

    private ChatTemplates(Set<String> models, Function<String, DescribeModelResponse> describer) {
        this.models = Set.copyOf(models);
        this.describer = describer;
    }

    /**
     * Reads the configured templates.
     *
     * @param models     the models the router serves
     * @param configured model → its template file and special tokens; every model named must be served
     * @param describer  a model's description from one of its verifiers; throws (a gRPC status) when none
     *                   answers, and is asked again on the next request
     * @throws IllegalArgumentException naming the model and file when a file cannot be read or the model is unknown
     */
    public static ChatTemplates load(Set<String> models, Map<String, ChatTemplateConfig> configured,
                                     Function<String, DescribeModelResponse> describer) {
        ChatTemplates templates = new ChatTemplates(models, describer);
        configured.forEach((model, config) -> {
            if (!models.contains(model)) {
                throw new IllegalArgumentException("http.chatTemplates." + model + ": not a configured model (expected: one of "
                        + models + ")");
            }
            try {
                templates.byModel.put(model, new ChatTemplate(Files.readString(config.file()), config.bosToken(),
                        config.eosToken()));
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalArgumentException("http.chatTemplates." + model + ".file: cannot read " + config.file()
                        + " (" + e.getMessage() + ")", e);
            }
        });
        return templates;
    }

    /**
     * The template of {@code model}; the default one for a model the router does not serve (the request is then
     * refused by the generation service, which owns that check).
     *
     * @throws io.grpc.StatusRuntimeException from the describer, when no verifier of the model answers
     */
    public ChatTemplate of(String model) {
        if (!models.contains(model)) {
            return ChatTemplate.defaultTemplate();
        }
        return byModel.computeIfAbsent(model, m -> fromDescription(describer.apply(m)));
    }

    private static ChatTemplate fromDescription(DescribeModelResponse description) {
        return description.hasChatTemplate() && !description.getChatTemplate().isBlank()
                ? new ChatTemplate(description.getChatTemplate(), description.getBosToken(), description.getEosToken())
                : ChatTemplate.defaultTemplate();
    }
}
