package dev.specula.verifier.draftlength;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ForwardTimingsTest {

    @Test
    void millis_nothingMeasured_nan() {
        assertThat(new ForwardTimings(17).millis(3)).isNaN();
    }

    @Test
    void millis_oneSizeMeasured_sameForEverySize() {
        ForwardTimings t = new ForwardTimings(17);
        t.record(1, 4);
        assertThat(t.millis(9)).isEqualTo(4.0);
    }

    @Test
    void millis_betweenAndBeyondMeasuredSizes_linear() {
        ForwardTimings t = new ForwardTimings(17);
        t.record(1, 10);
        t.record(9, 14);
        assertThat(t.millis(5)).isCloseTo(12.0, within(1e-9));
        assertThat(t.millis(17)).isCloseTo(18.0, within(1e-9));
        assertThat(t.measured(5)).isFalse();
        assertThat(t.measured(9)).isTrue();
    }

    @Test
    void record_repeated_movingAverage() {
        ForwardTimings t = new ForwardTimings(4);
        t.record(2, 10);
        t.record(2, 20);
        assertThat(t.millis(2)).isCloseTo(10 + ForwardTimings.DECAY * 10, within(1e-9));
        t.record(99, 1); // out of range: ignored
        assertThat(t.measured(4)).isFalse();
    }
}
