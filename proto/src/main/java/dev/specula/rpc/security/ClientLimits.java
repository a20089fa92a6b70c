package dev.specula.rpc.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Enforces {@link ClientLimitsConfig} on the calls of the service it intercepts: a request rate per client
 * (a Resilience4j {@link RateLimiter} each, held in a Caffeine cache bounded in size and idle time) and a number
 * of concurrent streams per client (a count that exists only while the client has a stream open, so it is bounded
 * by the streams being served; a stream is open until the transport is done with it, so one whose responses wait
 * unread for a client that does not read still counts). A call over either limit ends RESOURCE_EXHAUSTED naming
 * the limit; other clients are not affected. One instance guards every transport of a service (the router's public
 * port and the in-process link from its HTTP API), so a client's limits count its calls over both.
 */
public final class ClientLimits implements ServerInterceptor {

    private final ClientLimitsConfig config;
    private final RateLimiterConfig rate;
    private final Cache<String, RateLimiter> limiters;
    private final Map<String, Integer> streams = new ConcurrentHashMap<>();

    /** Limits by {@code config}; the client of a call is {@link ClientIdentity#of}'s. */
    public ClientLimits(ClientLimitsConfig config) {
        this.config = config;
        this.rate = RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, config.requestsPerSecond()))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
        this.limiters = Caffeine.newBuilder()
                .maximumSize(config.maxClients())
                .expireAfterAccess(Duration.ofSeconds(config.idleClientSeconds()))
                .build();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String client = ClientIdentity.of(call);
        if (config.requestsPerSecond() > 0
                && !limiters.get(client, c -> RateLimiter.of("client", rate)).acquirePermission()) {
            return refuse(call, "client request rate over " + config.requestsPerSecond()
                    + " per second (limits.requestsPerSecond); retry later");
        }
        if (config.maxStreamsPerClient() <= 0) {
            return next.startCall(call, headers);
        }
        if (!openStream(client)) {
            return refuse(call, "client already has " + config.maxStreamsPerClient()
                    + " streams open (limits.maxStreamsPerClient); wait for one to end");
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                streams.compute(client, (c, n) -> n == null || n <= 1 ? null : n - 1);
            }
        };
        // Released when the transport is done with the stream (onComplete, onCancel), not when the service closes
        // it: a client that reads nothing keeps its responses buffered in the server, and such streams must count.
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(call, headers);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                release.run();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                release.run();
                super.onComplete();
            }
        };
    }

    /** Streams open now, over every client (for tests and logs). */
    public int openStreams() {
        return streams.values().stream().mapToInt(Integer::intValue).sum();
    }

    private boolean openStream(String client) {
        boolean[] opened = {false};
        streams.compute(client, (c, n) -> {
            int open = n == null ? 0 : n;
            if (open >= config.maxStreamsPerClient()) {
                return n;
            }
            opened[0] = true;
            return open + 1;
        });
        return opened[0];
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.RESOURCE_EXHAUSTED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
