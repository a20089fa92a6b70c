package dev.specula.rpc.security;

/**
 * Per-client limits of the public API (router YAML section {@code limits:}); a client is what
 * {@link ClientIdentity} says. A limit of 0 is off.
 *
 * @param maxStreamsPerClient generations one client may run at once, >= 0; one more is refused RESOURCE_EXHAUSTED
 * @param requestsPerSecond   generations one client may start per second, >= 0; more are refused
 *                            RESOURCE_EXHAUSTED (HTTP 429)
 * @param maxClients          clients whose request rate is tracked at once, >= 1; beyond it the least recently
 *                            seen is forgotten (client identities are chosen by clients, so this state is bounded);
 *                            default 10,000
 * @param idleClientSeconds   a client unseen this long is forgotten, >= 1; default 600
 */
public record ClientLimitsConfig(int maxStreamsPerClient, int requestsPerSecond, int maxClients,
                                 long idleClientSeconds) {

    /** No limit. */
    public static final ClientLimitsConfig OFF = new ClientLimitsConfig(0, 0, 10_000, 600);

    public ClientLimitsConfig {
        if (maxStreamsPerClient < 0) {
            throw new IllegalArgumentException("maxStreamsPerClient: " + maxStreamsPerClient + " (expected: >= 0, 0 = off)");
        }
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("requestsPerSecond: " + requestsPerSecond + " (expected: >= 0, 0 = off)");
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients: " + maxClients + " (expected: >= 1)");
        }
        if (idleClientSeconds < 1) {
            throw new IllegalArgumentException("idleClientSeconds: " + idleClientSeconds + " (expected: >= 1)");
        }
    }

    /** Whether any limit is on. */
    public boolean enabled() {
        return maxStreamsPerClient > 0 || requestsPerSecond > 0;
    }

    /** The {@code limits:} section as written, absent keys null. */
    public record Fields(Integer maxStreamsPerClient, Integer requestsPerSecond, Integer maxClients,
                         Long idleClientSeconds) {

        /** The validated configuration; errors start with {@code key} ("limits"). */
        public ClientLimitsConfig toConfig(String key) {
            try {
                return new ClientLimitsConfig(
                        maxStreamsPerClient == null ? OFF.maxStreamsPerClient() : maxStreamsPerClient,
                        requestsPerSecond == null ? OFF.requestsPerSecond() : requestsPerSecond,
                        maxClients == null ? OFF.maxClients() : maxClients,
                        idleClientSeconds == null ? OFF.idleClientSeconds() : idleClientSeconds);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "." + e.getMessage(), e);
            }
        }
    }
}
