package dev.specula.verifier.testing;

import dev.specula.proto.v1.CommittedTokens;
import dev.specula.proto.v1.GenerationSummary;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a client saw of one session.
 *
 * @param steps   the committed-token messages, in order
 * @param summary the last message
 */
public record SessionResult(List<CommittedTokens> steps, GenerationSummary summary) {

    /** Every committed token id, in order. */
    public int[] tokens() {
        return steps.stream().flatMap(s -> s.getTokenIdsList().stream()).mapToInt(Integer::intValue).toArray();
    }

    /** The whole text. */
    public String text() {
        return steps.stream().map(CommittedTokens::getText).collect(Collectors.joining());
    }
}
