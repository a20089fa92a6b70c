package dev.specula.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    @Test
    void greedy_isGreedyWithEveryFilterOff() {
        SamplingParams greedy = SamplingParams.greedy();
        assertThat(greedy.isGreedy()).isTrue();
        assertThat(greedy.topK()).isZero();
        assertThat(greedy.topP()).isEqualTo(1);
        assertThat(greedy.minP()).isZero();
        assertThat(SamplingParams.ofTemperature(0.7, 1).isGreedy()).isFalse();
    }

    @Test
    void constructor_outOfRange_rejectedWithExpectedRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(-0.1, 0, 1, 0, 0))
                .withMessage("temperature: -0.1 (expected: finite and >= 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(Double.NaN, 0, 1, 0, 0))
                .withMessageStartingWith("temperature: NaN");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(Double.POSITIVE_INFINITY, 0, 1, 0, 0))
                .withMessageStartingWith("temperature: Infinity");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(1, -1, 1, 0, 0))
                .withMessage("topK: -1 (expected: 0 (off) or >= 1)");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(1, 0, 1.5, 0, 0))
                .withMessage("topP: 1.5 (expected: in (0, 1])");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(1, 0, 0, 0, 0))
                .withMessage("topP: 0.0 (expected: in (0, 1])");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(1, 0, 1, 1, 0))
                .withMessage("minP: 1.0 (expected: in [0, 1))");
        assertThatIllegalArgumentException().isThrownBy(() -> new SamplingParams(1, 0, 1, -0.5, 0))
                .withMessage("minP: -0.5 (expected: in [0, 1))");
    }
}
