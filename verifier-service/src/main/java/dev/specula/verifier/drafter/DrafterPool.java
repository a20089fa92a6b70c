package dev.specula.verifier.drafter;

import dev.specula.rpc.ChannelPool;
import dev.specula.verifier.draftlength.DrafterHistory;
import dev.specula.rpc.Channels;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The verifier's channels to drafters, one per distinct target and reused by every session, each with a
 * circuit breaker that keeps a failing drafter out for a while, and what the sessions measured of each drafter
 * model at each target ({@link DrafterHistory}). Thread-safe.
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

    /**
     * Distinct drafter targets one verifier keeps a channel and a breaker for. Targets come from requests, so
     * without a bound a caller naming ever new targets would grow both maps without end.
     */
    public static final int MAX_TARGETS = 64;

    /** How often a session may open a drafter that is not expected to pay. */
    public static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Drafters whose history is kept; requests name drafters, so the map is bounded. */
    static final int MAX_HISTORIES = 256;

    private final ChannelPool channels;
    private final CircuitBreakerRegistry breakers;
    private final Set<String> targets = ConcurrentHashMap.newKeySet();
    private final Map<String, DrafterHistory> histories = new ConcurrentHashMap<>();
    private final AtomicLong lastProbeNanos = new AtomicLong(System.nanoTime());

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
        admit(target);
        return channels.get(target);
    }

    /**
     * The circuit breaker of {@code target}.
     *
     * @throws IllegalStateException when {@code target} is new and {@link #MAX_TARGETS} are already in use
     */
    public CircuitBreaker breaker(String target) {
        admit(target);
        return breakers.circuitBreaker(target);
    }

    /** Every target's circuit breaker, for metrics. */
    public CircuitBreakerRegistry breakers() {
        return breakers;
    }

    /**
     * What the sessions measured of drafter model {@code drafterId} at {@code target}; beyond
     * {@link #MAX_HISTORIES} drafters a fresh, unshared one.
     */
    public DrafterHistory history(String drafterId, String target) {
        String key = drafterId + "@" + target;
        DrafterHistory known = histories.get(key);
        if (known != null) {
            return known;
        }
        return histories.size() < MAX_HISTORIES ? histories.computeIfAbsent(key, k -> new DrafterHistory())
                : new DrafterHistory();
    }

    /**
     * Whether the caller may open a drafter that is not expected to pay, to measure it again (a drafter never
     * opened is never measured again): true for one caller per {@link #PROBE_INTERVAL_NANOS} over all drafters,
     * the first one interval after this pool was made (until then the prior stands for every drafter).
     */
    public boolean tryProbe(long nowNanos) {
        long last = lastProbeNanos.get();
        return nowNanos - last >= PROBE_INTERVAL_NANOS && lastProbeNanos.compareAndSet(last, nowNanos);
    }

    private void admit(String target) {
        if (targets.contains(target)) {
            return;
        }
        synchronized (targets) {
            if (targets.size() >= MAX_TARGETS && !targets.contains(target)) {
                throw new IllegalStateException("drafter targets: " + MAX_TARGETS + " in use (expected: one of them, "
                        + "or at most " + MAX_TARGETS + " distinct targets)");
            }
            targets.add(target);
        }
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
