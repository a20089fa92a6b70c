package dev.specula.train.optim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LearningRateScheduleTest {

    private final LearningRateSchedule schedule = new LearningRateSchedule(1e-3, 1e-4, 10, 110);

    @Test
    void rate_warmup_risesLinearlyToPeak() {
        assertThat(schedule.rate(0)).isCloseTo(1e-4, within(1e-12));
        assertThat(schedule.rate(4)).isCloseTo(5e-4, within(1e-12));
        assertThat(schedule.rate(9)).isCloseTo(1e-3, within(1e-12));
    }

    @Test
    void rate_afterWarmup_cosineFromPeakToMinimumAtLastStep() {
        assertThat(schedule.rate(10)).isCloseTo(1e-3, within(1e-12));
        assertThat(schedule.rate(10 + 99 / 2)).isCloseTo(5.5e-4, within(1e-5)); // half-way: the mean
        assertThat(schedule.rate(109)).isCloseTo(1e-4, within(1e-12));
        for (int step = 10; step < 109; step++) {
            assertThat(schedule.rate(step + 1)).isLessThanOrEqualTo(schedule.rate(step));
        }
    }

    @Test
    void constructor_badValues_namesThem() {
        assertThatThrownBy(() -> new LearningRateSchedule(1e-3, 2e-3, 10, 100)).hasMessageContaining("minRate: 0.002");
        assertThatThrownBy(() -> new LearningRateSchedule(1e-3, 1e-4, 100, 100)).hasMessageContaining("warmupSteps: 100");
    }
}
