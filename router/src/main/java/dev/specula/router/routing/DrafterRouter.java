package dev.specula.router.routing;

import dev.specula.router.acceptance.AcceptanceTracker;
import dev.specula.router.config.DrafterConfig;
import dev.specula.router.config.RouterConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the drafter of a request: its candidates come from the routing table (the domain's, then the
 * language's; where the table has no entry, the drafters that list that language or domain; when there are
 * none, the default drafters), the {@link AcceptanceTracker} picks among them, and a replica is taken in turn.
 */
public final class DrafterRouter {

    /**
     * The drafter for one session.
     *
     * @param drafterId   the drafter model id
     * @param target      the replica to use
     * @param draftLength the draft length to start with
     */
    public record Choice(String drafterId, String target, int draftLength) {
    }

    private final RouterConfig config;
    private final AcceptanceTracker tracker;
    private final Map<String, RoundRobin> replicas = new LinkedHashMap<>();

    /** @param config the routing table and drafters; @param tracker what has been learned */
    public DrafterRouter(RouterConfig config, AcceptanceTracker tracker) {
        this.config = config;
        this.tracker = tracker;
        for (DrafterConfig drafter : config.drafters()) {
            replicas.put(drafter.id(), new RoundRobin(drafter.targets()));
        }
    }

    /** The candidate drafter ids for {@code route}, in preference order; empty when no drafter is configured. */
    public List<String> candidates(Route route) {
        Set<String> ids = new LinkedHashSet<>();
        // The domain first: a matching rule is a deliberate, specific signal; nearly every prompt has a language.
        List<String> byDomain = config.routes().domains().get(route.domain());
        ids.addAll(byDomain != null ? byDomain : declaring(route.domain(), false));
        List<String> byLanguage = config.routes().languages().get(route.language());
        ids.addAll(byLanguage != null ? byLanguage : declaring(route.language(), true));
        if (ids.isEmpty()) {
            ids.addAll(config.routes().defaultDrafters());
        }
        return List.copyOf(ids);
    }

    private List<String> declaring(String value, boolean language) {
        List<String> ids = new ArrayList<>();
        for (DrafterConfig drafter : config.drafters()) {
            if ((language ? drafter.languages() : drafter.domains()).contains(value)) {
                ids.add(drafter.id());
            }
        }
        return ids;
    }

    /**
     * The drafter for a session on {@code route}: {@code overrideId} when not null (it must be configured),
     * else the tracker's choice among the candidates; null when the route has no candidates.
     */
    public Choice choose(Route route, String overrideId) {
        String id;
        if (overrideId != null) {
            if (!replicas.containsKey(overrideId)) {
                throw new IllegalArgumentException("drafter: '" + overrideId + "' (expected: one of " + replicas.keySet() + ")");
            }
            id = overrideId;
        } else {
            List<String> candidates = candidates(route);
            if (candidates.isEmpty()) {
                return null;
            }
            id = tracker.choose(route, candidates);
        }
        return new Choice(id, replicas.get(id).next(), tracker.initialDraftLength(route, id));
    }

    /** Whether {@code id} is a configured drafter. */
    public boolean knows(String id) {
        return replicas.containsKey(id);
    }

    /** The configured drafter ids. */
    public Set<String> ids() {
        return replicas.keySet();
    }
}
