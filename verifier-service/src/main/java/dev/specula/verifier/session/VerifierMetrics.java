package dev.specula.verifier.session;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The verifier's own metrics ({@code specula_verifier_*}): what only it knows. Acceptance per route, drafter and
 * position is recorded by the router, which knows the route and relays every step's statistics.
 */
public final class VerifierMetrics {

    /** Bucket bounds of batch sizes: the sessions in one pass, up to the engine's 64 rows. */
    private static final List<Long> BATCH_BUCKETS = List.of(1L, 2L, 3L, 4L, 6L, 8L, 12L, 16L, 24L, 32L, 48L, 64L);
    private static final AttributeKey<String> TARGET = AttributeKey.stringKey("target");

    private final LongCounter fallbacks;
    private final LongHistogram batchSizes;

    /**
     * @param meter         the verifier's meter
     * @param sessionsOpen  sessions running now
     * @param queued        forward requests waiting for the batcher now
     * @param cachedTokens  tokens held in the KV caches of the running sessions
     * @param queuedSessions sessions waiting in the admission queue for a free session slot
     * @param breakers      the drafter pool's circuit breakers, one per drafter target
     */
    public VerifierMetrics(Meter meter, IntSupplier sessionsOpen, IntSupplier queued, LongSupplier cachedTokens,
                           IntSupplier queuedSessions, CircuitBreakerRegistry breakers) {
        this.fallbacks = meter.counterBuilder("specula_verifier_fallbacks")
                .setDescription("Sessions that gave up on their drafter and decoded plainly, by cause").build();
        this.batchSizes = meter.histogramBuilder("specula_verifier_batch_size").ofLongs()
                .setDescription("Session requests in each batched forward pass of the target")
                .setExplicitBucketBoundariesAdvice(BATCH_BUCKETS).build();
        meter.gaugeBuilder("specula_verifier_sessions_open").ofLongs()
                .setDescription("Generation sessions running now").buildWithCallback(m -> m.record(sessionsOpen.getAsInt()));
        meter.gaugeBuilder("specula_verifier_sessions_queued").ofLongs()
                .setDescription("Generation sessions waiting in the admission queue for a free session")
                .buildWithCallback(m -> m.record(queuedSessions.getAsInt()));
        meter.gaugeBuilder("specula_verifier_queue_depth").ofLongs()
                .setDescription("Forward requests waiting for the next batched pass")
                .buildWithCallback(m -> m.record(queued.getAsInt()));
        meter.gaugeBuilder("specula_verifier_kv_cache_tokens").ofLongs()
                .setDescription("Tokens held in the target's KV caches of the running sessions")
                .buildWithCallback(m -> m.record(cachedTokens.getAsLong()));
        meter.gaugeBuilder("specula_verifier_drafter_breaker_state").ofLongs()
                .setDescription("Circuit breaker of each drafter target: 0 closed, 1 half-open, 2 open, 3 other")
                .buildWithCallback(m -> {
                    for (CircuitBreaker breaker : breakers.getAllCircuitBreakers()) {
                        m.record(stateValue(breaker.getState()), Attributes.of(TARGET, breaker.getName()));
                    }
                });
    }

    /** A session fell back to plain decoding. */
    void fellBack(FallbackCause cause) {
        fallbacks.add(1, cause.attributes());
    }

    /** A batched forward pass ran {@code sessions} session requests. */
    public void batch(int sessions) {
        batchSizes.record(sessions);
    }

    private static long stateValue(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
            default -> 3; // disabled, forced open, metrics only: operator overrides
        };
    }
}
