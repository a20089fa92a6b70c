package dev.specula.router.config;

/**
 * How the router treats a verifier replica that fails to connect or to answer (UNAVAILABLE): it is ejected
 * (tried only after every other replica) and taken back when its gRPC health check answers SERVING for
 * readiness. Checks back off exponentially.
 *
 * @param ejectionMs    how long after the failure the first health check is made; at least 1, default 1000
 * @param maxEjectionMs the longest wait between health checks (each failed check doubles it); at least
 *                      {@code ejectionMs}, default 30000
 */
public record ReplicaHealthConfig(long ejectionMs, long maxEjectionMs) {

    /** The defaults. */
    public static final ReplicaHealthConfig DEFAULT = new ReplicaHealthConfig(1_000, 30_000);

    /** Validates both fields. */
    public ReplicaHealthConfig {
        if (ejectionMs < 1) {
            throw new IllegalArgumentException("replicaHealth.ejectionMs: " + ejectionMs + " (expected: >= 1)");
        }
        if (maxEjectionMs < ejectionMs) {
            throw new IllegalArgumentException("replicaHealth.maxEjectionMs: " + maxEjectionMs
                    + " (expected: >= ejectionMs " + ejectionMs + ")");
        }
    }
}
