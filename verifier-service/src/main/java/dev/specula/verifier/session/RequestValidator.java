package dev.specula.verifier.session;

import com.google.protobuf.ByteString;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.rpc.Utf8;
import io.grpc.Status;
import io.grpc.StatusException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns an {@link OpenSessionRequest} into a {@link SessionSpec}, or a status that names the bad field:
 * INVALID_ARGUMENT for a malformed or out-of-range field, OUT_OF_RANGE when the prompt or prompt + max_tokens
 * does not fit the context.
 */
public final class RequestValidator {

    /** Stop sequences a request may carry. */
    public static final int MAX_STOP_SEQUENCES = 8;
    /** Bytes a stop sequence may have. */
    public static final int MAX_STOP_BYTES = 64;
    /** The draft length when the request names none. */
    public static final int DEFAULT_DRAFT_LENGTH = 4;
    /** The largest draft length when the request names none. */
    public static final int DEFAULT_MAX_DRAFT_LENGTH = 8;

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
        ByteString promptBytes = request.getPromptBytes();
        if (promptBytes.isEmpty()) {
            throw invalid("prompt: empty (expected: non-empty UTF-8 text)");
        }
        int bad = Utf8.firstMalformedByte(promptBytes);
        if (bad >= 0) {
            throw invalid("prompt: invalid UTF-8 at byte " + bad + " (expected: UTF-8 text)");
        }
        SamplingParams params = sampling(request);
        if (request.hasMaxTokens() && request.getMaxTokens() <= 0) {
            throw invalid("max_tokens: " + request.getMaxTokens() + " (expected: >= 1)");
        }
        List<String> stop = stop(request);
        SpeculationPlan speculation = speculation(request);
        DrafterTarget drafter = null;
        if (request.hasDrafter()) {
            try {
                drafter = new DrafterTarget(request.getDrafter().getDrafterId(), request.getDrafter().getTarget());
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }
        int[] committed = new int[request.getCommittedTokensCount()];
        for (int i = 0; i < committed.length; i++) {
            committed[i] = request.getCommittedTokens(i);
            if (committed[i] < 0 || committed[i] >= vocabSize) {
                throw invalid("committed_tokens[" + i + "]: " + committed[i] + " (expected: a token id in [0, "
                        + vocabSize + "))");
            }
        }

        int[] prompt = generator.promptTokens(promptBytes.toStringUtf8());
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

    private static SamplingParams sampling(OpenSessionRequest request) throws StatusException {
        Sampling s = request.getSampling();
        float temperature = s.getTemperature();
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw invalid("sampling.temperature: " + temperature + " (expected: finite and >= 0)");
        }
        if (s.getTopK() < 0) {
            throw invalid("sampling.top_k: " + s.getTopK() + " (expected: 0 (off) or >= 1)");
        }
        double topP = s.hasTopP() ? s.getTopP() : 1;
        if (!(topP > 0 && topP <= 1)) {
            throw invalid("sampling.top_p: " + s.getTopP() + " (expected: in (0, 1])");
        }
        double minP = s.getMinP();
        if (!(minP >= 0 && minP < 1)) {
            throw invalid("sampling.min_p: " + s.getMinP() + " (expected: in [0, 1))");
        }
        return new SamplingParams(temperature, s.getTopK(), topP, minP, s.getSeed());
    }

    private static List<String> stop(OpenSessionRequest request) throws StatusException {
        if (request.getStopCount() > MAX_STOP_SEQUENCES) {
            throw invalid("stop: " + request.getStopCount() + " sequences (expected: at most "
                    + MAX_STOP_SEQUENCES + ")");
        }
        List<String> stop = new ArrayList<>();
        for (int i = 0; i < request.getStopCount(); i++) {
            ByteString bytes = request.getStopBytes(i);
            if (bytes.isEmpty() || bytes.size() > MAX_STOP_BYTES) {
                throw invalid("stop[" + i + "]: " + bytes.size() + " bytes (expected: 1.." + MAX_STOP_BYTES + ")");
            }
            int bad = Utf8.firstMalformedByte(bytes);
            if (bad >= 0) {
                throw invalid("stop[" + i + "]: invalid UTF-8 at byte " + bad + " (expected: UTF-8 text)");
            }
            stop.add(bytes.toStringUtf8());
        }
        return stop;
    }

    private static SpeculationPlan speculation(OpenSessionRequest request) throws StatusException {
        Speculation s = request.getSpeculation();
        int max = DEFAULT_MAX_DRAFT_LENGTH;
        if (s.hasMaxDraftLength()) {
            max = s.getMaxDraftLength();
            if (max < 1 || max > SpeculationPlan.MAX_DRAFT_LENGTH) {
                throw invalid("speculation.max_draft_length: " + max + " (expected: 1.."
                        + SpeculationPlan.MAX_DRAFT_LENGTH + ")");
            }
        }
        int length = DEFAULT_DRAFT_LENGTH;
        if (s.hasDraftLength()) {
            length = s.getDraftLength();
            if (length < 1 || length > SpeculationPlan.MAX_DRAFT_LENGTH) {
                throw invalid("speculation.draft_length: " + length + " (expected: 1.."
                        + SpeculationPlan.MAX_DRAFT_LENGTH + ")");
            }
        }
        // A starting length above the bound is the bound: the router may pick one before it knows the cap.
        length = Math.min(length, max);
        SpeculationPlan.Mode mode = switch (s.getMode()) {
            case SPECULATION_MODE_OFF -> SpeculationPlan.Mode.OFF;
            case SPECULATION_MODE_FIXED -> SpeculationPlan.Mode.FIXED;
            case SPECULATION_MODE_AUTO, SPECULATION_MODE_UNSPECIFIED -> SpeculationPlan.Mode.AUTO;
            case UNRECOGNIZED -> throw invalid("speculation.mode: " + s.getModeValue()
                    + " (expected: OFF, AUTO or FIXED)");
        };
        return new SpeculationPlan(mode, length, max, !s.hasDraftAhead() || s.getDraftAhead());
    }

    private static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }

    private static StatusException outOfRange(String message) {
        return Status.OUT_OF_RANGE.withDescription(message).asException();
    }
}
