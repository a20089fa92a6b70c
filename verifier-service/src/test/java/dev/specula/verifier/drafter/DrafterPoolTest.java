package dev.specula.verifier.drafter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrafterPoolTest {

    @Test
    void tryProbe_oncePerIntervalOverAllDrafters_notRightAway() {
        try (DrafterPool pool = new DrafterPool()) {
            long now = System.nanoTime();
            assertThat(pool.tryProbe(now)).as("the prior stands for a new drafter").isFalse();
            long later = now + DrafterPool.PROBE_INTERVAL_NANOS;
            assertThat(pool.tryProbe(later)).isTrue();
            assertThat(pool.tryProbe(later + 1)).isFalse();
            assertThat(pool.tryProbe(later + DrafterPool.PROBE_INTERVAL_NANOS)).isTrue();
        }
    }

    @Test
    void history_sameDrafterShared_otherDrafterSeparate() {
        try (DrafterPool pool = new DrafterPool()) {
            assertThat(pool.history("a", "host:1")).isSameAs(pool.history("a", "host:1"));
            assertThat(pool.history("a", "host:1")).isNotSameAs(pool.history("b", "host:1"));
            assertThat(pool.history("a", "host:1")).isNotSameAs(pool.history("a", "host:2"));
        }
    }
}
