package dev.specula.drafter;

import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.spec.SamplingParams;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import io.grpc.Status;
import io.grpc.StatusException;

import java.util.List;

/**
 * A validated {@code OpenDraft}: what one drafting session runs.
 *
 * @param sessionId         the verifier's session id, for logs
 * @param model             the draft model serving it
 * @param tokens            the committed sequence so far, not empty, every id in the model's vocabulary
 * @param sampling          how drafts are chosen (greedy at temperature 0)
 * @param draftLength       tokens per block at the start, in [1, {@link #MAX_DRAFT_LENGTH}]
 * @param draftAhead        whether to draft the next block while the previous one is being verified
 * @param maxSequenceLength the sequence never grows beyond it: in [tokens.length, the model's context]
 */
record SessionRequest(String sessionId, DrafterModel model, int[] tokens, SamplingParams sampling, int draftLength,
                      boolean draftAhead, int maxSequenceLength) {

    /** The longest block a session may ask for: the engine's, so the verifier checks it in one pass. */
    static final int MAX_DRAFT_LENGTH = BatchedForward.MAX_DRAFT_LENGTH;

    /**
     * Checks {@code open} against the served {@code models} (the first is the default).
     *
     * @throws StatusException INVALID_ARGUMENT naming a bad field, FAILED_PRECONDITION when the vocabulary
     *                         fingerprint is not the model's
     */
    static SessionRequest from(OpenDraft open, List<DrafterModel> models) throws StatusException {
        DrafterModel model = model(open, models);
        if (!open.getVocabularyFingerprint().equals(model.fingerprint())) {
            throw Status.FAILED_PRECONDITION.withDescription("vocabulary_fingerprint: "
                    + (open.hasVocabularyFingerprint() ? open.getVocabularyFingerprint() : "absent")
                    + " (expected: " + model.fingerprint() + ", the vocabulary of drafter " + model.id() + ")")
                    .asException();
        }
        int[] tokens = open.getTokensList().stream().mapToInt(Integer::intValue).toArray();
        if (tokens.length == 0) {
            throw invalid("tokens: empty (expected: the committed sequence, BOS first)");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= model.vocabSize()) {
                throw invalid("tokens[" + i + "]: " + tokens[i] + " (expected: in [0, " + model.vocabSize() + "))");
            }
        }
        int draftLength = open.getDraftLength();
        if (draftLength < 1 || draftLength > MAX_DRAFT_LENGTH) {
            throw invalid("draft_length: " + draftLength + " (expected: in [1, " + MAX_DRAFT_LENGTH + "])");
        }
        int context = model.contextLength();
        if (tokens.length > context) {
            throw invalid("tokens: " + tokens.length + " tokens (expected: at most the context " + context + " of drafter "
                    + model.id() + ")");
        }
        int maxLength = open.getMaxSequenceLength() == 0 ? context : open.getMaxSequenceLength();
        if (maxLength < tokens.length || maxLength > context) {
            throw invalid("max_sequence_length: " + open.getMaxSequenceLength() + " (expected: 0 for the context, or in ["
                    + tokens.length + ", " + context + "]: at least the " + tokens.length + " tokens, at most the "
                    + "context of drafter " + model.id() + ")");
        }
        String sessionId = open.getSessionId().isEmpty() ? "(unnamed)" : open.getSessionId();
        return new SessionRequest(sessionId, model, tokens, sampling(open.getSampling()), draftLength,
                !open.hasDraftAhead() || open.getDraftAhead(), maxLength);
    }

    private static DrafterModel model(OpenDraft open, List<DrafterModel> models) throws StatusException {
        if (open.getDrafterId().isEmpty()) {
            return models.getFirst();
        }
        for (DrafterModel m : models) {
            if (m.id().equals(open.getDrafterId())) {
                return m;
            }
        }
        throw invalid("drafter_id: " + open.getDrafterId() + " (expected: one of "
                + models.stream().map(DrafterModel::id).toList() + ")");
    }

    /** The proto's sampling options, absent fields at their defaults, checked field by field. */
    static SamplingParams sampling(Sampling s) throws StatusException {
        float temperature = s.getTemperature();
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw invalid("sampling.temperature: " + temperature + " (expected: 0 for greedy, or finite and > 0)");
        }
        if (s.getTopK() < 0) {
            throw invalid("sampling.top_k: " + s.getTopK() + " (expected: 0 (off) or >= 1)");
        }
        float topP = s.hasTopP() ? s.getTopP() : 1f;
        if (!(topP > 0 && topP <= 1)) {
            throw invalid("sampling.top_p: " + topP + " (expected: in (0, 1])");
        }
        float minP = s.getMinP();
        if (!(minP >= 0 && minP < 1)) {
            throw invalid("sampling.min_p: " + minP + " (expected: in [0, 1))");
        }
        return new SamplingParams(temperature, s.getTopK(), topP, minP, s.getSeed());
    }

    private static StatusException invalid(String description) {
        return Status.INVALID_ARGUMENT.withDescription(description).asException();
    }
}
