package dev.specula.verifier.drafter;

import dev.specula.rpc.ChannelPool;
import dev.specula.rpc.Channels;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;

import java.time.Duration;
import java.util.function.Function;

/**
 * The verifier's channels to drafters, one per distinct target and reused by every session, each with a
 * circuit breaker that keeps a failing drafter out for a while. Thread-safe.
 */
public final class DrafterPool implements AutoCloseable {

    /**
     * The breaker every target gets by default: it opens when half of the last 10 sessions (at least 4) lost
     * their drafter, and lets 2 sessions try again after 30 s.
     */
    public static final CircuitBreakerConfig DEFAULT_BREAKER = CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(4)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(2)
            .build();

    private final ChannelPool channels;
    private final CircuitBreakerRegistry breakers;

    /** Plaintext channels ({@link Channels#plaintext}) and {@link #DEFAULT_BREAKER}. */
    public DrafterPool() {
        this(Channels::plaintext, DEFAULT_BREAKER);
    }

    /**
     * @param channelFactory makes the channel to a target (tests pass in-process channels)
     * @param breaker        the circuit breaker configuration of every target
     */
    public DrafterPool(Function<String, ManagedChannel> channelFactory, CircuitBreakerConfig breaker) {
        this.channels = new ChannelPool(channelFactory);
        this.breakers = CircuitBreakerRegistry.of(breaker);
    }

    /** The channel to {@code target}, created on first use. */
    public ManagedChannel channel(String target) {
        return channels.get(target);
    }

    /** The circuit breaker of {@code target}. */
    public CircuitBreaker breaker(String target) {
        return breakers.circuitBreaker(target);
    }

    /** Every target's circuit breaker, for metrics. */
    public CircuitBreakerRegistry breakers() {
        return breakers;
    }

    /** Channels created so far. */
    public int channelCount() {
        return channels.size();
    }

    /** Shuts every channel down. */
    @Override
    public void close() {
        channels.close();
    }
}
