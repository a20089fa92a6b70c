package dev.specula.router.acceptance;

import dev.specula.rpc.ProtocolLimits;
import dev.specula.router.routing.Route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Learns, per route and drafter, what the verifier measured of finished sessions (acceptance, mean accepted
 * length, the drafter's cost per token against the target's), and chooses among a route's candidate drafters:
 * epsilon-greedy on {@link Observation#expectedSpeedup() expected speedup}. Not on end-to-end tokens per
 * second: that swings with the machine's load and the prompt far more than between two drafters. Each
 * candidate is tried once before any is preferred; after that, with probability {@code explorationRate} a
 * uniformly random candidate is chosen (so a drafter that got better, or was unlucky, is measured again),
 * otherwise the one with the highest expected speedup, ties going to the earlier candidate. The random stream has a
 * fixed seed, so a run repeats. Safe to share between threads.
 */
public final class AcceptanceTracker {

    /** Weight of the newest session in every moving average: about the last ten sessions count. */
    static final double SMOOTHING = 0.2;

    private final double explorationRate;
    private final Random random;
    private final int initialDraftLength;
    private final int maxDraftLength;
    private final Map<Key, DrafterStats> stats = new HashMap<>();

    private record Key(Route route, String drafterId) {
    }

    /**
     * @param explorationRate    probability of exploring, in [0, 1]
     * @param seed               seed of the exploration choices
     * @param initialDraftLength the draft length for a route and drafter with no measurement, in [1, max]
     * @param maxDraftLength     the largest draft length to suggest, in [1, {@link ProtocolLimits#MAX_DRAFT_LENGTH}]
     */
    public AcceptanceTracker(double explorationRate, long seed, int initialDraftLength, int maxDraftLength) {
        if (!(explorationRate >= 0 && explorationRate <= 1)) {
            throw new IllegalArgumentException("explorationRate: " + explorationRate + " (expected: 0..1)");
        }
        if (maxDraftLength < 1 || maxDraftLength > ProtocolLimits.MAX_DRAFT_LENGTH) {
            throw new IllegalArgumentException("maxDraftLength: " + maxDraftLength + " (expected: 1.."
                    + ProtocolLimits.MAX_DRAFT_LENGTH + ")");
        }
        if (initialDraftLength < 1 || initialDraftLength > maxDraftLength) {
            throw new IllegalArgumentException("initialDraftLength: " + initialDraftLength
                    + " (expected: 1.." + maxDraftLength + ")");
        }
        this.explorationRate = explorationRate;
        this.random = new Random(seed);
        this.initialDraftLength = initialDraftLength;
        this.maxDraftLength = maxDraftLength;
    }

    /**
     * The drafter to use for {@code route} among {@code candidates} (in preference order, not empty).
     */
    public synchronized String choose(Route route, List<String> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("candidates: empty (expected: at least one drafter id)");
        }
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        for (String candidate : candidates) {
            if (!stats.containsKey(new Key(route, candidate))) {
                return candidate;
            }
        }
        if (random.nextDouble() < explorationRate) {
            return candidates.get(random.nextInt(candidates.size()));
        }
        String best = candidates.getFirst();
        double bestSpeedup = stats.get(new Key(route, best)).expectedSpeedup();
        for (String candidate : candidates) {
            double speedup = stats.get(new Key(route, candidate)).expectedSpeedup();
            if (speedup > bestSpeedup) {
                best = candidate;
                bestSpeedup = speedup;
            }
        }
        return best;
    }

    /** Learns from one finished session that {@code drafterId} served on {@code route}. */
    public synchronized void record(Route route, String drafterId, Observation observation) {
        Key key = new Key(route, drafterId);
        DrafterStats old = stats.get(key);
        double settled = observation.settledDraftLength();
        if (old == null) {
            stats.put(key, new DrafterStats(1, observation.acceptanceRate(), observation.meanAcceptedLength(),
                    observation.draftCostRatio(), observation.expectedSpeedup(), settled));
            return;
        }
        stats.put(key, new DrafterStats(old.sessions() + 1,
                ema(old.acceptanceRate(), observation.acceptanceRate()),
                ema(old.meanAcceptedLength(), observation.meanAcceptedLength()),
                ema(old.draftCostRatio(), observation.draftCostRatio()),
                ema(old.expectedSpeedup(), observation.expectedSpeedup()),
                settled == 0 ? old.draftLength() : old.draftLength() == 0 ? settled : ema(old.draftLength(), settled)));
    }

    private static double ema(double old, double now) {
        return old + SMOOTHING * (now - old);
    }

    /**
     * The draft length to start a session of {@code drafterId} on {@code route} with: the one the verifier
     * recently settled on there, rounded, or the configured initial one when nothing is known yet.
     */
    public synchronized int initialDraftLength(Route route, String drafterId) {
        DrafterStats s = stats.get(new Key(route, drafterId));
        if (s == null || s.draftLength() == 0) {
            return initialDraftLength;
        }
        return (int) Math.max(1, Math.min(maxDraftLength, Math.round(s.draftLength())));
    }

    /**
     * How many (route, drafter) pairs have statistics. Routes are built from configured languages and domains
     * only (an unserved language is "unknown", an unrouted domain "general"), so this is bounded by the
     * configuration, whatever clients send.
     */
    public synchronized int size() {
        return stats.size();
    }

    /** What has been measured for {@code drafterId} on {@code route}, if anything. */
    public synchronized Optional<DrafterStats> stats(Route route, String drafterId) {
        return Optional.ofNullable(stats.get(new Key(route, drafterId)));
    }
}
