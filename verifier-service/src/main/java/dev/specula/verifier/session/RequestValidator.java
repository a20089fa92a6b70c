package dev.specula.verifier.session;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.RequestRules;
import dev.specula.rpc.RequestRules.SamplingOptions;
import dev.specula.rpc.RequestRules.SpeculationOptions;
import io.grpc.Status;
import io.grpc.StatusException;

import java.util.List;
import java.util.UUID;

/**
 * Turns an {@link OpenSessionRequest} into a {@link SessionSpec}, or a status that names the bad field:
 * INVALID_ARGUMENT for a malformed or out-of-range field, OUT_OF_RANGE when the prompt or prompt + max_tokens
 * does not fit the context.
 */
public final class RequestValidator {

    private final Generator generator;
    private final int vocabSize;
    private final int context;
    private final int defaultMaxTokens;

    /**
     * @param generator        tokenizes prompts exactly as target-only generation does (BOS + encode)
     * @param vocabSize        the target's vocabulary size
     * @param context          the target's context length
     * @param defaultMaxTokens tokens to generate when a request names no max_tokens
     */
    public RequestValidator(Generator generator, int vocabSize, int context, int defaultMaxTokens) {
        this.generator = generator;
        this.vocabSize = vocabSize;
        this.context = context;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** The validated request. */
    public SessionSpec validate(OpenSessionRequest request) throws StatusException {
        RequestRules.name("session_id", request.getSessionId());
        RequestRules.name("drafter.drafter_id", request.getDrafter().getDrafterId());
        RequestRules.name("drafter.target", request.getDrafter().getTarget());
        String promptText = RequestRules.prompt(request.getPromptBytes());
        SamplingOptions sampling = RequestRules.sampling(request.getSampling());
        SamplingParams params = new SamplingParams(sampling.temperature(), sampling.topK(), sampling.topP(),
                sampling.minP(), sampling.seed());
        if (request.hasMaxTokens()) {
            RequestRules.maxTokens(request.getMaxTokens());
        }
        List<String> stop = RequestRules.stop(request.getStopList().asByteStringList());
        SpeculationPlan speculation = speculation(request.getSpeculation());
        DrafterTarget drafter = null;
        if (request.hasDrafter()) {
            try {
                drafter = new DrafterTarget(request.getDrafter().getDrafterId(), request.getDrafter().getTarget());
            } catch (IllegalArgumentException e) {
                throw RequestRules.invalid(e.getMessage());
            }
        }
        int[] committed = new int[request.getCommittedTokensCount()];
        for (int i = 0; i < committed.length; i++) {
            committed[i] = request.getCommittedTokens(i);
            if (committed[i] < 0 || committed[i] >= vocabSize) {
                throw RequestRules.invalid("committed_tokens[" + i + "]: " + committed[i] + " (expected: a token id in [0, "
                        + vocabSize + "))");
            }
        }

        int[] prompt = generator.promptTokens(promptText);
        if (prompt.length >= context) {
            throw outOfRange("prompt: " + prompt.length + " tokens (expected: at most " + (context - 1)
                    + " for the context of " + context + ")");
        }
        int room = context - prompt.length;
        int maxTokens;
        boolean contextLimited = false;
        if (request.hasMaxTokens()) {
            maxTokens = request.getMaxTokens();
            if (maxTokens > room) {
                throw outOfRange("max_tokens: " + maxTokens + " with a prompt of " + prompt.length
                        + " tokens (expected: at most " + room + " for the context of " + context + ")");
            }
        } else {
            maxTokens = Math.min(defaultMaxTokens, room);
            contextLimited = maxTokens == room;
        }
        if (committed.length > maxTokens) {
            throw outOfRange("committed_tokens: " + committed.length + " tokens (expected: at most max_tokens "
                    + maxTokens + ")");
        }
        String sessionId = request.getSessionId().isEmpty() ? UUID.randomUUID().toString() : request.getSessionId();
        return new SessionSpec(sessionId, prompt, committed, params, maxTokens, contextLimited, stop, speculation,
                drafter);
    }

    private static SpeculationPlan speculation(Speculation s) throws StatusException {
        SpeculationOptions options = RequestRules.speculation(s, ProtocolLimits.DEFAULT_MAX_DRAFT_LENGTH);
        int length = options.draftLength() > 0 ? options.draftLength()
                : Math.min(ProtocolLimits.DEFAULT_DRAFT_LENGTH, options.maxDraftLength());
        SpeculationPlan.Mode mode = switch (options.mode()) {
            case SPECULATION_MODE_OFF -> SpeculationPlan.Mode.OFF;
            case SPECULATION_MODE_FIXED -> SpeculationPlan.Mode.FIXED;
            default -> SpeculationPlan.Mode.AUTO;
        };
        return new SpeculationPlan(mode, length, options.maxDraftLength(), options.draftAhead());
    }

    private static StatusException outOfRange(String message) {
        return Status.OUT_OF_RANGE.withDescription(message).asException();
    }
}
