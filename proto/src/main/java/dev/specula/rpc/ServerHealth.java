package dev.specula.rpc;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * What a server's {@code grpc.health.v1} service answers, split into liveness and readiness:
 * <ul>
 *   <li>{@code ""} (the server as a whole) is <b>liveness</b>: SERVING while the process can serve at all,
 *       NOT_SERVING once its backend has failed (a restart is the remedy). It stays SERVING while draining, so
 *       that a liveness probe does not kill a server that is finishing its calls.</li>
 *   <li>{@value #READINESS} and every service's own name are <b>readiness</b>: SERVING only while the model is
 *       loaded and the server started, its backend has not failed, and it is not draining.</li>
 * </ul>
 * Thread-safe.
 */
public final class ServerHealth {

    private static final Logger LOG = Logger.getLogger(ServerHealth.class.getName());

    /** The health service name of readiness (Kubernetes: the readiness probe's {@code grpc.service}). */
    public static final String READINESS = "readiness";
    /** The health service name of liveness: the server as a whole. */
    public static final String LIVENESS = HealthStatusManager.SERVICE_NAME_ALL_SERVICES;

    private final HealthStatusManager manager = new HealthStatusManager();
    // Guarded by this.
    private final List<String> services = new ArrayList<>();
    private boolean started;
    private boolean draining;
    private String failure;

    /** Not ready until {@link #started()}. */
    public ServerHealth() {
        update();
    }

    /** The standard health service that reports this state. */
    BindableService service() {
        return manager.getHealthService();
    }

    /** Reports {@code serviceName} with readiness. */
    synchronized void register(String serviceName) {
        services.add(serviceName);
        update();
    }

    /** The model is loaded and the server listens: ready, unless draining or failed. */
    synchronized void started() {
        started = true;
        update();
    }

    /** Shutdown has started: not ready any more (liveness unchanged). */
    public synchronized void draining() {
        draining = true;
        update();
    }

    /**
     * The backend failed (a forward pass threw): neither ready nor live from now on, so that the orchestrator
     * takes traffic away and restarts the process. Only the first failure is logged.
     */
    public synchronized void backendFailed(String why) {
        if (failure == null) {
            failure = why;
            LOG.severe("backend failed, reporting NOT_SERVING: " + why);
        }
        update();
    }

    /** Whether readiness is SERVING now. */
    public synchronized boolean ready() {
        return started && !draining && failure == null;
    }

    /** Whether liveness is SERVING now. */
    public synchronized boolean live() {
        return failure == null;
    }

    /** The server has stopped: everything NOT_SERVING, for good. */
    synchronized void terminate() {
        manager.enterTerminalState();
    }

    private void update() {
        ServingStatus readiness = ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        manager.setStatus(READINESS, readiness);
        for (String service : services) {
            manager.setStatus(service, readiness);
        }
        manager.setStatus(LIVENESS, live() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
}
