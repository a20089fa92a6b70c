package dev.specula.verifier.session;

import dev.specula.engine.sample.SamplingParams;

import java.util.List;
import java.util.Objects;

/**
 * A validated session request, in engine terms.
 *
 * @param sessionId         the session's id, for logs
 * @param promptTokens      BOS and the prompt's tokens
 * @param committedTokens   tokens already committed to the client by another verifier (resuming), else empty
 * @param params            how tokens are chosen
 * @param maxTokens         tokens to generate at most, counting {@code committedTokens}; >= committedTokens
 * @param contextLimited    whether {@code maxTokens} is what the context holds after the prompt (no max_tokens
 *                          was asked and the default did not fit), so reaching it means a full context
 * @param stop              stop sequences, each 1 to 64 UTF-8 bytes
 * @param speculation       how to speculate
 * @param drafter           the drafter to use, or null for plain decoding
 */
public record SessionSpec(String sessionId, int[] promptTokens, int[] committedTokens, SamplingParams params,
                          int maxTokens, boolean contextLimited, List<String> stop, SpeculationPlan speculation,
                          DrafterTarget drafter) {

    public SessionSpec {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(speculation, "speculation");
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("promptTokens: empty (expected: at least BOS)");
        }
        if (maxTokens < committedTokens.length) {
            throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: >= committed tokens "
                    + committedTokens.length + ")");
        }
        promptTokens = promptTokens.clone();
        committedTokens = committedTokens.clone();
        stop = List.copyOf(stop);
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    @Override
    public int[] committedTokens() {
        return committedTokens.clone();
    }

    /** Whether a drafter takes part. */
    public boolean speculates() {
        return drafter != null && speculation.mode() != SpeculationPlan.Mode.OFF;
    }
}
