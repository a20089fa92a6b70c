package dev.specula.drafter;

import com.google.protobuf.ByteString;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.RequestRules;
import dev.specula.rpc.RequestRules.SamplingOptions;
import io.grpc.Status;
import io.grpc.StatusException;

import java.util.List;
import java.util.OptionalInt;

/**
 * A validated {@code OpenDraft}: what one drafting session runs.
 *
 * @param sessionId         the verifier's session id, for logs
 * @param model             the draft model serving it
 * @param tokens            the committed sequence so far, not empty, every id in the model's vocabulary
 * @param sampling          how drafts are chosen (greedy at temperature 0)
 * @param draftLength       tokens per block at the start, in [1, {@link ProtocolLimits#MAX_DRAFT_LENGTH}]
 * @param draftAhead        whether to draft the next block while the previous one is being verified
 * @param maxSequenceLength the sequence never grows beyond it: in [tokens.length, the model's context]
 */
record SessionRequest(String sessionId, DrafterModel model, int[] tokens, SamplingParams sampling, int draftLength,
                      boolean draftAhead, int maxSequenceLength) {

    /**
     * Checks {@code open} against the served {@code models} (the first is the default).
     *
     * @throws StatusException INVALID_ARGUMENT naming a bad field, FAILED_PRECONDITION when the target's
     *                         vocabulary differs from the model's on an id both have (or cannot be compared)
     */
    static SessionRequest from(OpenDraft open, List<DrafterModel> models) throws StatusException {
        RequestRules.name("session_id", open.getSessionId());
        RequestRules.name("drafter_id", open.getDrafterId());
        DrafterModel model = model(open, models);
        checkVocabulary(open, model);
        int[] tokens = open.getTokensList().stream().mapToInt(Integer::intValue).toArray();
        if (tokens.length == 0) {
            throw RequestRules.invalid("tokens: empty (expected: the committed sequence, BOS first)");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= model.vocabSize()) {
                throw RequestRules.invalid("tokens[" + i + "]: " + tokens[i] + " (expected: in [0, " + model.vocabSize() + "))");
            }
        }
        int draftLength = RequestRules.draftLength("draft_length", open.getDraftLength());
        int context = model.contextLength();
        if (tokens.length > context) {
            throw RequestRules.invalid("tokens: " + tokens.length + " tokens (expected: at most the context " + context + " of drafter "
                    + model.id() + ")");
        }
        int maxLength = open.getMaxSequenceLength() == 0 ? context : open.getMaxSequenceLength();
        if (maxLength < tokens.length || maxLength > context) {
            throw RequestRules.invalid("max_sequence_length: " + open.getMaxSequenceLength() + " (expected: 0 for the context, or in ["
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
        throw RequestRules.invalid("drafter_id: " + open.getDrafterId() + " (expected: one of "
                + models.stream().map(DrafterModel::id).toList() + ")");
    }

    /** The proto's sampling options, checked by the protocol's rules, absent fields at their defaults. */
    static SamplingParams sampling(Sampling s) throws StatusException {
        SamplingOptions o = RequestRules.sampling(s);
        return new SamplingParams(o.temperature(), o.topK(), o.topP(), o.minP(), o.seed());
    }

    /**
     * Accepts the target's vocabulary when its fingerprint is the model's, or else when its token digests agree
     * with the model's on every id both have.
     */
    private static void checkVocabulary(OpenDraft open, DrafterModel model) throws StatusException {
        if (open.getVocabularyFingerprint().equals(model.fingerprint())) {
            return;
        }
        if (!open.hasVocabularyTokenDigests()) {
            throw Status.FAILED_PRECONDITION.withDescription("vocabulary_fingerprint: "
                    + (open.hasVocabularyFingerprint() ? open.getVocabularyFingerprint() : "absent")
                    + " (expected: " + model.fingerprint() + ", the vocabulary of drafter " + model.id()
                    + "; no vocabulary_token_digests to compare token by token)").asException();
        }
        ByteString target = open.getVocabularyTokenDigests();
        if (target.size() % VocabularyFingerprint.TOKEN_DIGEST_BYTES != 0) {
            throw RequestRules.invalid("vocabulary_token_digests: " + target.size() + " bytes (expected: "
                    + VocabularyFingerprint.TOKEN_DIGEST_BYTES + " per token)");
        }
        OptionalInt differing = VocabularyFingerprint.firstDifferingId(target.asReadOnlyByteBuffer(),
                model.tokenDigests().asReadOnlyByteBuffer());
        if (differing.isPresent()) {
            int id = differing.getAsInt();
            throw Status.FAILED_PRECONDITION.withDescription("vocabulary_token_digests: token " + id
                    + " differs between the target and drafter " + model.id() + " (its token " + id + " is \""
                    + model.file().tokenizer().piece(id) + "\"; every id below it agrees)").asException();
        }
    }
}
