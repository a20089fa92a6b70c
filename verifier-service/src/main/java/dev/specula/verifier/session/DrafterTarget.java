package dev.specula.verifier.session;

/**
 * Where a session's drafter listens.
 *
 * @param drafterId the drafter model id ("stories-q8"); may be empty (the drafter's first model)
 * @param target    a gRPC target string ("localhost:50053", "dns:///drafter-de:50053"); not empty
 */
public record DrafterTarget(String drafterId, String target) {

    public DrafterTarget {
        if (drafterId == null) {
            drafterId = "";
        }
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("drafter.target: empty (expected: host:port or a gRPC target)");
        }
    }

    /** How summaries and logs name it: "stories-q8 at localhost:50053". */
    public String describe() {
        return (drafterId.isEmpty() ? "drafter" : "drafter " + drafterId) + " at " + target;
    }
}
