package dev.specula.router.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Spreads requests over the replicas of one pool, in turn; safe to share between threads. */
public final class RoundRobin {

    /**
     * How often {@link #nextOrder()} lists a target that names a pool rather than one replica (a "dns:///" name,
     * such as a Kubernetes headless Service, whose addresses the channel balances over): when the pod serving
     * a session fails, the same target reaches another pod.
     */
    public static final int POOL_ATTEMPTS = 3;

    private final List<String> targets;
    private final AtomicInteger next = new AtomicInteger();

    /** @param targets the replicas, not empty */
    public RoundRobin(List<String> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: empty (expected: at least one replica)");
        }
        this.targets = List.copyOf(targets);
    }

    /** The next replica. */
    public String next() {
        return targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
    }

    /**
     * Every replica once, starting at the next one, then the pool targets ({@link #isPool}) again, up to
     * {@link #POOL_ATTEMPTS} times in all: the order in which to try them when one fails.
     */
    public List<String> nextOrder() {
        int start = Math.floorMod(next.getAndIncrement(), targets.size());
        List<String> order = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            order.add(targets.get((start + i) % targets.size()));
        }
        List<String> pools = order.stream().filter(RoundRobin::isPool).toList();
        for (int attempt = 1; attempt < POOL_ATTEMPTS; attempt++) {
            order.addAll(pools);
        }
        return order;
    }

    /** Whether a target names a pool of replicas through DNS ("dns:///verifier:50052") rather than one. */
    public static boolean isPool(String target) {
        return target.startsWith("dns:");
    }

    /** The replicas, in configured order. */
    public List<String> targets() {
        return targets;
    }
}
