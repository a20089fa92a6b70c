package dev.specula.verifier.draftlength;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ForwardTimingsTest {

    @Test
    void millis_nothingMeasured_nan() {
        assertThat(new ForwardTimings(17, 64).millis(1, 3)).isNaN();
    }

    @Test
    void millis_oneSizeMeasured_sameForEverySize() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 4);
        assertThat(t.millis(1, 9)).isEqualTo(4.0);
    }

    @Test
    void millis_betweenAndBeyondMeasuredSizes_linear() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 10);
        t.record(1, 9, 14);
        assertThat(t.millis(1, 5)).isCloseTo(12.0, within(1e-9));
        assertThat(t.millis(1, 17)).isCloseTo(18.0, within(1e-9));
        assertThat(t.measured(1, 5)).isFalse();
        assertThat(t.measured(1, 9)).isTrue();
    }

    @Test
    void record_repeated_movingAverage() {
        ForwardTimings t = new ForwardTimings(4, 8);
        t.record(1, 2, 10);
        t.record(1, 2, 20);
        assertThat(t.millis(1, 2)).isCloseTo(10 + ForwardTimings.DECAY * 10, within(1e-9));
        t.record(1, 99, 1); // out of range: ignored
        assertThat(t.measured(1, 4)).isFalse();
    }

    @Test
    void millis_plainStepAtUnmeasuredLoad_interpolatedBetweenLoads() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 10);
        t.record(33, 1, 170);
        assertThat(t.millis(17, 1)).isCloseTo(90.0, within(1e-9));
        assertThat(t.millis(200, 1)).as("loads beyond the table share its last row")
                .isCloseTo(t.millis(64, 1), within(1e-9));
    }

    @Test
    void millis_verificationAtUnmeasuredLoad_plainTherePlusExtraFromNearestLoad_flooredByLowestLoad() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 10);
        t.record(1, 3, 25); // at load 1, 3 positions cost 15 ms more than one
        t.record(64, 1, 300);
        assertThat(t.millis(64, 3)).isCloseTo(315.0, within(1e-9));
        t.record(60, 1, 280);
        t.record(60, 3, 301); // nearer to 64: 21 ms more
        assertThat(t.millis(64, 3)).isCloseTo(321.0, within(1e-9));
        t.record(62, 1, 290);
        t.record(62, 3, 289); // nearer still, but noise made it cheaper than a plain step
        assertThat(t.millis(64, 3)).as("no cheaper than at the lowest load").isCloseTo(315.0, within(1e-9));
    }

    @Test
    void millis_verificationInFullerBatch_noCheaperThanOneMoreSessionsRowPerPosition() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 10);
        t.record(1, 3, 12); // alone, 3 positions cost 2 ms more than one
        t.record(33, 1, 170); // compute bound: each session's row adds 5 ms
        t.record(33, 3, 171); // a noisy verification in the full batch
        assertThat(t.millis(33, 3)).isCloseTo(170.0 + 2 * 5, within(1e-9));
        assertThat(t.millis(17, 3)).as("unmeasured load: plain 90 there").isCloseTo(90.0 + 2 * 5, within(1e-9));
        assertThat(t.millis(1, 3)).as("alone: as measured").isCloseTo(12.0, within(1e-9));
    }

    @Test
    void millis_memoryBoundBatch_rowsNearlyFree_measuredVerificationStands() {
        ForwardTimings t = new ForwardTimings(17, 64);
        t.record(1, 1, 10);
        t.record(33, 1, 12); // memory bound: 32 more sessions add 2 ms
        t.record(33, 3, 13);
        assertThat(t.millis(33, 3)).isCloseTo(13.0, within(1e-9));
    }

    @Test
    void load_countsRunningSessions_atLeastOne() {
        ForwardTimings t = new ForwardTimings(17, 64);
        assertThat(t.load()).isEqualTo(1);
        t.sessionStarted();
        t.sessionStarted();
        assertThat(t.load()).isEqualTo(2);
        t.sessionEnded();
        assertThat(t.load()).isEqualTo(1);
    }

    @Test
    void constructor_badSizes_namesParameter() {
        assertThatThrownBy(() -> new ForwardTimings(0, 8)).hasMessageContaining("maxTokens: 0");
        assertThatThrownBy(() -> new ForwardTimings(4, 0)).hasMessageContaining("maxLoad: 0");
    }
}
