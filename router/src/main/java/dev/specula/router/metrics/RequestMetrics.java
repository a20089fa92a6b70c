package dev.specula.router.metrics;

import io.opentelemetry.api.common.Attributes;

/**
 * Records one request's facts as the router relays them: every step's statistics, every delta's timing, and
 * the summary. Not thread-safe: the relay calls it under its own lock.
 */
public final class RequestMetrics {

    /** The attribute sets of one route and drafter, built once: route, route + drafter, and + each position. */
    record Labels(Attributes route, Attributes routeAndDrafter, Attributes[] positions) {

        static Labels of(String route, String drafter, int maxDraftLength) {
            Attributes routeAndDrafter = Attributes.of(RouterMetrics.ROUTE, route, RouterMetrics.DRAFTER, drafter);
            Attributes[] positions = new Attributes[maxDraftLength + 1]; // [1..maxDraftLength]
            for (int i = 1; i <= maxDraftLength; i++) {
                positions[i] = routeAndDrafter.toBuilder().put(RouterMetrics.POSITION, Integer.toString(i)).build();
            }
            return new Labels(Attributes.of(RouterMetrics.ROUTE, route), routeAndDrafter, positions);
        }
    }

    private final RouterMetrics metrics;
    private final Labels labels;
    private long lastDeltaNanos = -1;

    RequestMetrics(RouterMetrics metrics, Labels labels) {
        this.metrics = metrics;
        this.labels = labels;
    }

    /** One verification step: draft length {@code k} chosen, {@code drafted} verified, {@code accepted} of them. */
    public void step(int k, int drafted, int accepted) {
        Attributes a = labels.routeAndDrafter();
        metrics.verificationSteps.add(1, a);
        metrics.draftLength.record(k, a);
        if (drafted == 0) {
            return;
        }
        metrics.drafts.add(1, a);
        metrics.draftTokens.add(drafted, a);
        metrics.acceptedTokens.add(accepted, a);
        int positions = Math.min(drafted, labels.positions().length - 1);
        for (int i = 1; i <= positions; i++) {
            metrics.draftTokensPerPosition.add(1, labels.positions()[i]);
            if (i <= accepted) {
                metrics.acceptedTokensPerPosition.add(1, labels.positions()[i]);
            }
        }
    }

    /** A delta of {@code tokens} tokens was sent at {@code nanos}, the request having arrived at {@code startNanos}. */
    public void delta(int tokens, long nanos, long startNanos) {
        metrics.generationTokens.add(tokens, labels.route());
        if (lastDeltaNanos < 0) {
            metrics.timeToFirstToken.record((nanos - startNanos) / 1e9, labels.route());
        } else {
            metrics.interTokenLatency.record((nanos - lastDeltaNanos) / 1e9 / tokens, labels.route());
        }
        lastDeltaNanos = nanos;
    }

    /** The request finished with a summary counting {@code promptTokens}, {@code seconds} after it arrived. */
    public void finished(int promptTokens, double seconds) {
        metrics.promptTokens.add(promptTokens, labels.route());
        metrics.requestDuration.record(seconds, labels.route());
    }
}
