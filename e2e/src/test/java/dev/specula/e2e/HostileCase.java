package dev.specula.e2e;

/**
 * One malformed or hostile request of the suite: how it is sent, what the mesh must answer (a gRPC status code,
 * {@code HTTP nnn}, or {@code OK} for a request that must be served), and a substring the answer's message must
 * contain, normally the name of the field at fault.
 *
 * @param name         what the case sends, unique in the table
 * @param via          how: {@code grpc}, {@code raw} (bytes over gRPC), {@code http}, {@code tls}, {@code load}
 * @param expected     the status the mesh must answer
 * @param mustContain  what the answer's message must contain
 * @param probe        sends the request and reports what came back
 */
record HostileCase(String name, String via, String expected, String mustContain, Probe probe) {

    /** Sends one case's request(s). */
    @FunctionalInterface
    interface Probe {
        Outcome run() throws Exception;
    }

    /**
     * What came back.
     *
     * @param got     the status: a gRPC code's name, {@code HTTP nnn}, or {@code OK}
     * @param message the status's description, the HTTP body, or what a served request returned
     */
    record Outcome(String got, String message) {
    }

    /** Whether {@code outcome} is what this case expects. */
    boolean accepts(Outcome outcome) {
        return expected.equals(outcome.got()) && outcome.message() != null && outcome.message().contains(mustContain);
    }
}
