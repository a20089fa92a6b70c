package dev.specula.verifier.session;

import io.opentelemetry.api.common.Attributes;

import java.util.Locale;

/**
 * Why a session gave up on its drafter and decoded plainly: the {@code cause} label of
 * {@code specula_verifier_fallbacks_total}, a fixed set so that the metric's cardinality stays bounded.
 *
 * <p>Auto mode's decisions are not fallbacks and are not counted: not opening a drafter that is not expected to
 * pay, not waiting past the session's patience for the drafter's ready, and ending the drafter's part when plain
 * decoding is expected to be faster. An auto-mode drafter that sends no block within the session's patience is a
 * fallback, counted as {@link #DEADLINE_MISSED}.
 */
public enum FallbackCause {
    /** The drafter's circuit breaker was open: the session never tried it. */
    BREAKER_OPEN,
    /** The drafter refused the session or failed its handshake (vocabulary, limits, its own error). */
    OPEN_FAILED,
    /** The drafter could not be reached, or the pool refused to open a channel to its target (too many targets). */
    UNREACHABLE,
    /** No valid block arrived within the block deadline (in auto mode, within the session's patience). */
    DEADLINE_MISSED,
    /** The drafter ended or broke its stream. */
    STREAM_ENDED,
    /** The drafter sent a block that breaks the protocol. */
    MALFORMED_BLOCK,
    /** The session's thread was interrupted while waiting for a block. */
    INTERRUPTED;

    private final Attributes attributes = Attributes.builder()
            .put("cause", name().toLowerCase(Locale.ROOT)).build();

    /** The metric attributes of this cause, built once. */
    Attributes attributes() {
        return attributes;
    }
}
