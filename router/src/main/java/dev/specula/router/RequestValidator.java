package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.rpc.RequestRules;
import io.grpc.StatusException;

import java.util.Locale;
import java.util.Set;

/**
 * Checks a GenerateRequest before anything is routed: every problem is an INVALID_ARGUMENT whose message
 * names the field, what was found and what was expected. What only the verifier knows (the model's context)
 * it checks itself, answering OUT_OF_RANGE.
 */
final class RequestValidator {

    private final Set<String> languages;
    private final Set<String> drafters;
    private final Set<String> models;
    private final int defaultMaxDraftLength;

    /**
     * @param languages             the language codes a request may name
     * @param drafters              the drafter ids a request may name
     * @param models                the model names a request may name
     * @param defaultMaxDraftLength the max_draft_length of a request that gives none
     */
    RequestValidator(Set<String> languages, Set<String> drafters, Set<String> models, int defaultMaxDraftLength) {
        this.languages = Set.copyOf(languages);
        this.drafters = Set.copyOf(drafters);
        this.models = Set.copyOf(models);
        this.defaultMaxDraftLength = defaultMaxDraftLength;
    }

    /** Throws INVALID_ARGUMENT naming the first bad field. */
    void validate(GenerateRequest request) throws StatusException {
        RequestRules.prompt(request.getPromptBytes());
        if (request.hasSampling()) {
            RequestRules.sampling(request.getSampling());
        }
        if (request.hasMaxTokens()) {
            RequestRules.maxTokens(request.getMaxTokens());
        }
        RequestRules.stop(request.getStopList().asByteStringList());
        if (request.hasSpeculation()) {
            RequestRules.speculation(request.getSpeculation(), defaultMaxDraftLength);
        }
        if (request.hasLanguage() && !request.getLanguage().isEmpty()
                && !languages.contains(request.getLanguage().toLowerCase(Locale.ROOT))) {
            throw RequestRules.invalid("language: '" + request.getLanguage() + "' (expected: one of "
                    + languages.stream().sorted().toList() + ")");
        }
        if (request.hasDrafter() && !request.getDrafter().isEmpty() && !drafters.contains(request.getDrafter())) {
            throw RequestRules.invalid("drafter: '" + request.getDrafter() + "' (expected: one of "
                    + drafters.stream().sorted().toList() + ")");
        }
        if (request.hasModel() && !request.getModel().isEmpty() && !models.contains(request.getModel())) {
            throw RequestRules.invalid("model: '" + request.getModel() + "' (expected: one of "
                    + models.stream().sorted().toList() + ")");
        }
    }
}
