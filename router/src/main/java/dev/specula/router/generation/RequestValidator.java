package dev.specula.router.generation;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.rpc.Utf8;
import io.grpc.Status;
import io.grpc.StatusException;

import java.util.Locale;
import java.util.Set;

/**
 * Checks a GenerateRequest before anything is routed: every problem is an INVALID_ARGUMENT whose message
 * names the field, what was found and what was expected. What only the verifier knows (the model's context)
 * it checks itself, answering OUT_OF_RANGE.
 */
final class RequestValidator {

    /** The largest max_tokens the router passes on; the verifier bounds it by the context. */
    static final int MAX_TOKENS_LIMIT = 1_000_000;
    static final int MAX_STOP_SEQUENCES = 8;
    static final int MAX_STOP_BYTES = 64;
    static final int MAX_DRAFT_LENGTH = 16;

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
        ByteString prompt = request.getPromptBytes();
        if (prompt.isEmpty()) {
            throw invalid("prompt: empty (expected: UTF-8 text, at least one byte)");
        }
        int bad = Utf8.firstMalformedByte(prompt);
        if (bad >= 0) {
            throw invalid("prompt: malformed UTF-8 at byte " + bad + " of " + prompt.size());
        }
        if (request.hasSampling()) {
            checkSampling(request.getSampling());
        }
        if (request.hasMaxTokens() && (request.getMaxTokens() <= 0 || request.getMaxTokens() > MAX_TOKENS_LIMIT)) {
            throw invalid("max_tokens: " + request.getMaxTokens() + " (expected: 1.." + MAX_TOKENS_LIMIT
                    + ", and at most the model's context minus the prompt)");
        }
        checkStop(request);
        if (request.hasSpeculation()) {
            checkSpeculation(request.getSpeculation());
        }
        if (request.hasLanguage() && !request.getLanguage().isEmpty()
                && !languages.contains(request.getLanguage().toLowerCase(Locale.ROOT))) {
            throw invalid("language: '" + request.getLanguage() + "' (expected: one of "
                    + languages.stream().sorted().toList() + ")");
        }
        if (request.hasDrafter() && !request.getDrafter().isEmpty() && !drafters.contains(request.getDrafter())) {
            throw invalid("drafter: '" + request.getDrafter() + "' (expected: one of "
                    + drafters.stream().sorted().toList() + ")");
        }
        if (request.hasModel() && !request.getModel().isEmpty() && !models.contains(request.getModel())) {
            throw invalid("model: '" + request.getModel() + "' (expected: one of "
                    + models.stream().sorted().toList() + ")");
        }
    }

    private static void checkSampling(Sampling sampling) throws StatusException {
        float temperature = sampling.getTemperature();
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw invalid("sampling.temperature: " + temperature + " (expected: finite and >= 0; 0 is greedy)");
        }
        if (sampling.getTopK() < 0) {
            throw invalid("sampling.top_k: " + sampling.getTopK() + " (expected: >= 0; 0 is off)");
        }
        if (sampling.hasTopP() && !(sampling.getTopP() > 0 && sampling.getTopP() <= 1)) {
            throw invalid("sampling.top_p: " + sampling.getTopP() + " (expected: in (0, 1])");
        }
        if (sampling.hasMinP() && !(sampling.getMinP() >= 0 && sampling.getMinP() < 1)) {
            throw invalid("sampling.min_p: " + sampling.getMinP() + " (expected: in [0, 1))");
        }
    }

    private static void checkStop(GenerateRequest request) throws StatusException {
        if (request.getStopCount() > MAX_STOP_SEQUENCES) {
            throw invalid("stop: " + request.getStopCount() + " sequences (expected: at most " + MAX_STOP_SEQUENCES + ")");
        }
        for (int i = 0; i < request.getStopCount(); i++) {
            ByteString stop = request.getStopBytes(i);
            if (stop.isEmpty() || stop.size() > MAX_STOP_BYTES) {
                throw invalid("stop[" + i + "]: " + stop.size() + " bytes (expected: 1.." + MAX_STOP_BYTES + ")");
            }
            int bad = Utf8.firstMalformedByte(stop);
            if (bad >= 0) {
                throw invalid("stop[" + i + "]: malformed UTF-8 at byte " + bad + " of " + stop.size());
            }
        }
    }

    private void checkSpeculation(Speculation speculation) throws StatusException {
        if (speculation.getMode() == SpeculationMode.UNRECOGNIZED) {
            throw invalid("speculation.mode: " + speculation.getModeValue() + " (expected: OFF, AUTO or FIXED)");
        }
        int max = defaultMaxDraftLength;
        if (speculation.hasMaxDraftLength()) {
            max = speculation.getMaxDraftLength();
            if (max < 1 || max > MAX_DRAFT_LENGTH) {
                throw invalid("speculation.max_draft_length: " + max + " (expected: 1.." + MAX_DRAFT_LENGTH + ")");
            }
        }
        if (speculation.hasDraftLength()) {
            int k = speculation.getDraftLength();
            if (k < 1 || k > MAX_DRAFT_LENGTH) {
                throw invalid("speculation.draft_length: " + k + " (expected: 1.." + MAX_DRAFT_LENGTH + ")");
            }
            if (k > max) {
                throw invalid("speculation.draft_length: " + k + " (expected: at most max_draft_length = " + max + ")");
            }
        }
    }

    private static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }
}
