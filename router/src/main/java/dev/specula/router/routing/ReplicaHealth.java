package dev.specula.router.routing;

import dev.specula.router.config.ReplicaHealthConfig;
import dev.specula.rpc.ServerHealth;
import io.github.resilience4j.core.IntervalFunction;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Outlier ejection of verifier replicas. A replica that failed to connect or to answer is ejected: every
 * request tries it only after all the others, so no request pays for its failed connect first. After
 * {@link ReplicaHealthConfig#ejectionMs()} its standard gRPC health service is asked for
 * {@value ServerHealth#READINESS}; SERVING takes it back into rotation, anything else (or no answer) waits
 * again, exponentially longer up to {@link ReplicaHealthConfig#maxEjectionMs()}. A replica that serves a request
 * while ejected (every other one failed too) is taken back at once. Targets that name a pool through DNS are
 * never ejected: one failed pod says nothing about the others, and the channel balances over the pool's pods.
 * Keyed by configured targets only. Thread-safe.
 */
public final class ReplicaHealth implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReplicaHealth.class.getName());
    /** How long one health check may take. */
    static final long CHECK_TIMEOUT_MS = 2_000;

    /** One ejection; a later ejection of the same target is another instance, so stale checks stop. */
    private static final class Ejection {
    }

    private final Function<String, ? extends Channel> channels;
    private final IntervalFunction backoff;
    private final ScheduledExecutorService timer;
    private final Map<String, Ejection> ejected = new ConcurrentHashMap<>();

    /**
     * @param config   the ejection times
     * @param channels the channel to a target (the router's verifier channels)
     */
    public ReplicaHealth(ReplicaHealthConfig config, Function<String, ? extends Channel> channels) {
        this.channels = channels;
        this.backoff = IntervalFunction.ofExponentialBackoff(config.ejectionMs(), 2.0, config.maxEjectionMs());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("replica-health")
                .factory());
    }

    /** {@code target} failed to connect or to answer: ejects it (unless it names a pool). */
    public void failed(String target) {
        if (RoundRobin.isPool(target)) {
            return;
        }
        Ejection ejection = new Ejection();
        if (ejected.putIfAbsent(target, ejection) == null) {
            LOG.warning(() -> "verifier " + target + " ejected: it failed to connect or answer; tried last until its "
                    + "health check answers SERVING");
            schedule(target, ejection, 1);
        }
    }

    /** {@code target} served a request: takes it back if it was ejected. */
    public void succeeded(String target) {
        if (ejected.remove(target) != null) {
            LOG.info(() -> "verifier " + target + " taken back: it served a request");
        }
    }

    /** Whether {@code target} is ejected now. */
    public boolean isEjected(String target) {
        return ejected.containsKey(target);
    }

    /** {@code order} with the ejected targets moved to the end, each part in its order. */
    public List<String> order(List<String> order) {
        if (ejected.isEmpty()) {
            return order;
        }
        List<String> healthy = new ArrayList<>(order.size());
        List<String> last = new ArrayList<>();
        for (String target : order) {
            (ejected.containsKey(target) ? last : healthy).add(target);
        }
        healthy.addAll(last);
        return healthy;
    }

    private void schedule(String target, Ejection ejection, int attempt) {
        try {
            timer.schedule(() -> check(target, ejection, attempt), backoff.apply(attempt), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the router is shutting down
        }
    }

    private void check(String target, Ejection ejection, int attempt) {
        if (ejected.get(target) != ejection) {
            return; // taken back meanwhile
        }
        Channel channel;
        try {
            channel = channels.apply(target);
        } catch (IllegalStateException closed) {
            return; // the channel pool is closed: the router is shutting down
        }
        if (channel instanceof ManagedChannel managed) {
            managed.resetConnectBackoff(); // our own backoff decides when to try: connect now
        }
        HealthGrpc.newStub(channel).withDeadlineAfter(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(ServerHealth.READINESS).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse response) {
                        if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                            if (ejected.remove(target, ejection)) {
                                LOG.info(() -> "verifier " + target + " taken back: its health check answers SERVING");
                            }
                        } else {
                            schedule(target, ejection, attempt + 1);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        schedule(target, ejection, attempt + 1);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    /** Stops checking. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
