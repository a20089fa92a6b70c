package dev.specula.router.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Spreads requests over the replicas of one pool, in turn; safe to share between threads. */
public final class RoundRobin {

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
     * Every replica once, starting at the next one: the order in which to try them when one fails.
     */
    public List<String> nextOrder() {
        int start = Math.floorMod(next.getAndIncrement(), targets.size());
        List<String> order = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            order.add(targets.get((start + i) % targets.size()));
        }
        return order;
    }

    /** The replicas, in configured order. */
    public List<String> targets() {
        return targets;
    }
}
