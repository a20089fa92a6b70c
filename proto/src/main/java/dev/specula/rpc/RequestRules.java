package dev.specula.rpc;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import io.grpc.Status;
import io.grpc.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of the {@code specula.v1} request fields that every service checks (router, verifier, drafter),
 * each written once with one wording: a broken rule is an INVALID_ARGUMENT whose message names the field, what
 * was found and what was expected. Limits come from {@link ProtocolLimits}.
 */
public final class RequestRules {

    private RequestRules() {
    }

    /** Sampling options with every absent field at its default. */
    public record SamplingOptions(float temperature, int topK, float topP, float minP, long seed) {
    }

    /**
     * Speculation options with every absent field resolved.
     *
     * @param mode           OFF, AUTO or FIXED (an absent mode is AUTO)
     * @param draftLength    the requested (starting) draft length, or 0 where the request names none
     * @param maxDraftLength the bound on the draft length
     * @param draftAhead     whether the drafter drafts ahead
     */
    public record SpeculationOptions(SpeculationMode mode, int draftLength, int maxDraftLength, boolean draftAhead) {
    }

    /** The prompt as text: non-empty, well-formed UTF-8. */
    public static String prompt(ByteString prompt) throws StatusException {
        if (prompt.isEmpty()) {
            throw invalid("prompt: empty (expected: UTF-8 text, at least one byte)");
        }
        checkUtf8("prompt", prompt);
        return prompt.toStringUtf8();
    }

    /** {@code sampling}, checked field by field, absent fields at their defaults. */
    public static SamplingOptions sampling(Sampling s) throws StatusException {
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
        return new SamplingOptions(temperature, s.getTopK(), topP, minP, s.getSeed());
    }

    /** {@code max_tokens} where present: in [1, {@link ProtocolLimits#MAX_TOKENS}]. */
    public static void maxTokens(int maxTokens) throws StatusException {
        if (maxTokens < 1 || maxTokens > ProtocolLimits.MAX_TOKENS) {
            throw invalid("max_tokens: " + maxTokens + " (expected: 1.." + ProtocolLimits.MAX_TOKENS
                    + ", and at most the model's context minus the prompt)");
        }
    }

    /** The stop sequences as text: at most 8, each 1..64 bytes of well-formed UTF-8. */
    public static List<String> stop(List<ByteString> stop) throws StatusException {
        if (stop.size() > ProtocolLimits.MAX_STOP_SEQUENCES) {
            throw invalid("stop: " + stop.size() + " sequences (expected: at most "
                    + ProtocolLimits.MAX_STOP_SEQUENCES + ")");
        }
        List<String> texts = new ArrayList<>(stop.size());
        for (int i = 0; i < stop.size(); i++) {
            ByteString bytes = stop.get(i);
            if (bytes.isEmpty() || bytes.size() > ProtocolLimits.MAX_STOP_BYTES) {
                throw invalid("stop[" + i + "]: " + bytes.size() + " bytes (expected: 1.."
                        + ProtocolLimits.MAX_STOP_BYTES + ")");
            }
            checkUtf8("stop[" + i + "]", bytes);
            texts.add(bytes.toStringUtf8());
        }
        return texts;
    }

    /**
     * {@code speculation}, checked field by field: the mode known, the draft length in [1, max_draft_length],
     * max_draft_length in [1, {@link ProtocolLimits#MAX_DRAFT_LENGTH}].
     *
     * @param defaultMaxDraftLength max_draft_length where the request gives none
     */
    public static SpeculationOptions speculation(Speculation s, int defaultMaxDraftLength) throws StatusException {
        SpeculationMode mode = switch (s.getMode()) {
            case SPECULATION_MODE_OFF, SPECULATION_MODE_FIXED, SPECULATION_MODE_AUTO -> s.getMode();
            case SPECULATION_MODE_UNSPECIFIED -> SpeculationMode.SPECULATION_MODE_AUTO;
            case UNRECOGNIZED -> throw invalid("speculation.mode: " + s.getModeValue()
                    + " (expected: OFF, AUTO or FIXED)");
        };
        int max = defaultMaxDraftLength;
        if (s.hasMaxDraftLength()) {
            max = draftLength("speculation.max_draft_length", s.getMaxDraftLength());
        }
        int k = 0;
        if (s.hasDraftLength()) {
            k = draftLength("speculation.draft_length", s.getDraftLength());
            if (k > max) {
                throw invalid("speculation.draft_length: " + k + " (expected: at most max_draft_length = " + max + ")");
            }
        }
        return new SpeculationOptions(mode, k, max, !s.hasDraftAhead() || s.getDraftAhead());
    }

    /** A draft length named by {@code field}: in [1, {@link ProtocolLimits#MAX_DRAFT_LENGTH}]. */
    public static int draftLength(String field, int k) throws StatusException {
        if (k < 1 || k > ProtocolLimits.MAX_DRAFT_LENGTH) {
            throw invalid(field + ": " + k + " (expected: 1.." + ProtocolLimits.MAX_DRAFT_LENGTH + ")");
        }
        return k;
    }

    /**
     * A name-like field ({@code language}, {@code domain}, {@code drafter}, {@code model}, ids, targets), checked
     * before anything repeats or stores it: at most {@link ProtocolLimits#MAX_NAME_BYTES} bytes of UTF-8 and
     * no control characters. Returns {@code value}.
     */
    public static String name(String field, String value) throws StatusException {
        int bytes = com.google.common.base.Utf8.encodedLength(value);
        if (bytes > ProtocolLimits.MAX_NAME_BYTES) {
            throw invalid(field + ": " + bytes + " bytes (expected: at most " + ProtocolLimits.MAX_NAME_BYTES + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw invalid(field + ": control character U+" + String.format("%04X", (int) value.charAt(i))
                        + " at " + i + " (expected: printable text)");
            }
        }
        return value;
    }

    /**
     * {@code text} as a log line or error message may repeat it: at most {@link ProtocolLimits#MAX_QUOTED_CHARS}
     * characters, longer text cut with a marker that says how much was left out.
     */
    public static String quote(String text) {
        if (text == null || text.length() <= ProtocolLimits.MAX_QUOTED_CHARS) {
            return text;
        }
        int end = ProtocolLimits.MAX_QUOTED_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end) + "...[" + (text.length() - end) + " more chars]";
    }

    /** An INVALID_ARGUMENT with {@code message}. */
    public static StatusException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }

    private static void checkUtf8(String field, ByteString bytes) throws StatusException {
        int bad = Utf8.firstMalformedByte(bytes);
        if (bad >= 0) {
            throw invalid(field + ": malformed UTF-8 at byte " + bad + " of " + bytes.size());
        }
    }
}
