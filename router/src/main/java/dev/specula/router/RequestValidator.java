package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.router.language.LanguageCodes;
import dev.specula.rpc.RequestRules;
import io.grpc.StatusException;

import java.util.Set;

/**
 * Checks a GenerateRequest before anything is routed: every problem is an INVALID_ARGUMENT whose message
 * names the field, what was found and what was expected. Name-like fields are checked for size first, so no
 * message repeats a large value. What only the verifier knows (the model's context) it checks itself, answering
 * OUT_OF_RANGE. A language the router does not serve, or a domain it has no route for, is not an error: the
 * request is routed as unknown language or general domain.
 */
final class RequestValidator {

    private final Set<String> drafters;
    private final Set<String> models;
    private final int defaultMaxDraftLength;

    /**
     * @param drafters              the drafter ids a request may name
     * @param models                the model names a request may name
     * @param defaultMaxDraftLength the max_draft_length of a request that gives none
     */
    RequestValidator(Set<String> drafters, Set<String> models, int defaultMaxDraftLength) {
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
        RequestRules.name("language", request.getLanguage());
        RequestRules.name("domain", request.getDomain());
        RequestRules.name("drafter", request.getDrafter());
        RequestRules.name("model", request.getModel());
        if (request.hasLanguage() && !request.getLanguage().isEmpty() && !LanguageCodes.isKnown(request.getLanguage())) {
            throw RequestRules.invalid("language: '" + request.getLanguage()
                    + "' (expected: an ISO 639-1 code such as 'de')");
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
