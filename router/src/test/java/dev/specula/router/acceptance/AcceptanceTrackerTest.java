package dev.specula.router.acceptance;

import dev.specula.router.routing.Route;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AcceptanceTrackerTest {

    private static final Route ROUTE = new Route("de", "general");
    private static final List<String> CANDIDATES = List.of("slow", "fast", "medium");

    /** A session with free drafting (cost ratio 0), so its expected speedup is its mean accepted length. */
    private static Observation observed(double meanAcceptedLength, Integer... draftLengths) {
        return new Observation(0.5, meanAcceptedLength, 0, List.of(draftLengths));
    }

    @Test
    void choose_noMeasurements_triesEveryCandidateInPreferenceOrder() {
        AcceptanceTracker tracker = new AcceptanceTracker(0.1, 7, 4, 8);
        for (String expected : CANDIDATES) {
            String chosen = tracker.choose(ROUTE, CANDIDATES);
            assertThat(chosen).isEqualTo(expected);
            tracker.record(ROUTE, chosen, observed(10, 4));
        }
    }

    @Test
    void choose_afterSessionsWithNoisyAcceptance_prefersTheBestDrafter() {
        // Mean accepted length: slow ~ 2.0, medium ~ 3.5, fast ~ 5.0, each with ±1 of noise (fixed seed).
        Map<String, Double> mean = Map.of("slow", 2.0, "medium", 3.5, "fast", 5.0);
        AcceptanceTracker tracker = new AcceptanceTracker(0.1, 42, 4, 8);
        Random noise = new Random(1);
        Map<String, Integer> chosen = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String drafter = tracker.choose(ROUTE, CANDIDATES);
            if (i >= 100) {
                chosen.merge(drafter, 1, Integer::sum);
            }
            tracker.record(ROUTE, drafter, observed(mean.get(drafter) + (noise.nextDouble() * 2 - 1), 4));
        }
        // With 10 % exploration over 3 candidates, the best one gets about 93 % of the last 200 choices.
        assertThat(chosen.getOrDefault("fast", 0)).isGreaterThan(170);
        assertThat(chosen.getOrDefault("slow", 0)).isGreaterThan(0).as("still explored");
        assertThat(tracker.stats(ROUTE, "fast").orElseThrow().expectedSpeedup()).isCloseTo(5, within(0.8));
    }

    @Test
    void choose_sameAcceptance_prefersTheCheaperDrafter() {
        AcceptanceTracker tracker = new AcceptanceTracker(0, 1, 4, 8);
        // Both commit 3 tokens per step at k = 4; a token of "costly" costs half a target step, of "cheap" a tenth.
        tracker.record(ROUTE, "costly", new Observation(0.5, 3, 0.5, List.of(4, 4)));
        tracker.record(ROUTE, "cheap", new Observation(0.5, 3, 0.1, List.of(4, 4)));

        assertThat(tracker.choose(ROUTE, List.of("costly", "cheap"))).isEqualTo("cheap");
        assertThat(tracker.stats(ROUTE, "costly").orElseThrow().expectedSpeedup()).isCloseTo(1.0, within(1e-9));
        assertThat(tracker.stats(ROUTE, "cheap").orElseThrow().expectedSpeedup()).isCloseTo(3 / 1.4, within(1e-9));
    }

    @Test
    void costRatio_drafterAndTargetTimes_perDraftedTokenOverPerStep() {
        assertThat(Observation.costRatio(12, 6, 40, 2)).isCloseTo(0.1, within(1e-12));
        assertThat(Observation.costRatio(0, 0, 40, 2)).as("nothing drafted").isZero();
        assertThat(Observation.costRatio(5, 3, 0, 2)).as("nothing timed").isZero();
    }

    @Test
    void choose_otherRoute_learnsSeparately() {
        AcceptanceTracker tracker = new AcceptanceTracker(0, 1, 4, 8);
        Route code = new Route("en", "code");
        for (String drafter : CANDIDATES) {
            tracker.record(ROUTE, drafter, observed(drafter.equals("fast") ? 100 : 10));
            tracker.record(code, drafter, observed(drafter.equals("slow") ? 100 : 10));
        }
        assertThat(tracker.choose(ROUTE, CANDIDATES)).isEqualTo("fast");
        assertThat(tracker.choose(code, CANDIDATES)).isEqualTo("slow");
    }

    @Test
    void choose_sameSeed_sameChoices() {
        AcceptanceTracker one = new AcceptanceTracker(0.5, 9, 4, 8);
        AcceptanceTracker two = new AcceptanceTracker(0.5, 9, 4, 8);
        for (int i = 0; i < 50; i++) {
            String first = one.choose(ROUTE, CANDIDATES);
            assertThat(two.choose(ROUTE, CANDIDATES)).isEqualTo(first);
            one.record(ROUTE, first, observed(i % 7));
            two.record(ROUTE, first, observed(i % 7));
        }
    }

    @Test
    void initialDraftLength_nothingKnown_configuredOne() {
        AcceptanceTracker tracker = new AcceptanceTracker(0.1, 1, 4, 8);
        assertThat(tracker.initialDraftLength(ROUTE, "fast")).isEqualTo(4);
        tracker.record(ROUTE, "fast", observed(10, 0, 0));
        assertThat(tracker.initialDraftLength(ROUTE, "fast")).as("plain decoding says nothing about k").isEqualTo(4);
    }

    @Test
    void initialDraftLength_afterSessions_followsWhatTheVerifierSettledOn() {
        AcceptanceTracker tracker = new AcceptanceTracker(0.1, 1, 4, 8);
        // The verifier starts at 4 and settles on 7 in the second half of each session.
        for (int i = 0; i < 20; i++) {
            tracker.record(ROUTE, "fast", observed(10, 4, 5, 6, 7, 7, 7, 7, 7));
        }
        assertThat(tracker.initialDraftLength(ROUTE, "fast")).isEqualTo(7);
        assertThat(tracker.initialDraftLength(ROUTE, "slow")).isEqualTo(4);
    }

    @Test
    void initialDraftLength_settledAboveMax_clamped() {
        AcceptanceTracker tracker = new AcceptanceTracker(0.1, 1, 2, 3);
        tracker.record(ROUTE, "fast", observed(10, 12, 12));
        assertThat(tracker.initialDraftLength(ROUTE, "fast")).isEqualTo(3);
    }

    @Test
    void new_badArguments_rejectedNamingThem() {
        assertThatThrownBy(() -> new AcceptanceTracker(1.5, 1, 4, 8)).hasMessageContaining("explorationRate: 1.5");
        assertThatThrownBy(() -> new AcceptanceTracker(0.1, 1, 9, 8)).hasMessageContaining("initialDraftLength: 9");
        assertThatThrownBy(() -> new Observation(2, 1, 1, List.of())).hasMessageContaining("acceptanceRate: 2.0");
        assertThatThrownBy(() -> new Observation(0.5, 1, -1, List.of())).hasMessageContaining("draftCostRatio: -1.0");
    }
}
