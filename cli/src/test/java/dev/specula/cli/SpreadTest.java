package dev.specula.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpreadTest {

    @Test
    void of_oddCount_minMiddleMax() {
        assertThat(Spread.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Spread(1, 2, 3));
    }

    @Test
    void of_evenCount_medianIsMeanOfMiddleTwo() {
        assertThat(Spread.of(List.of(4.0, 1.0, 2.0, 10.0)).median()).isEqualTo(3.0);
    }

    @Test
    void ratios_paired_elementWise() {
        assertThat(Spread.ratios(List.of(2.0, 9.0), List.of(1.0, 3.0))).containsExactly(2.0, 3.0);
    }

    @Test
    void ratiosAndOf_badInput_refusedWithCounts() {
        assertThatThrownBy(() -> Spread.ratios(List.of(1.0), List.of())).hasMessageContaining("1 numerators, 0");
        assertThatThrownBy(() -> Spread.of(List.of())).hasMessageContaining("expected: at least one");
    }

    @Test
    void format_eachValue() {
        assertThat(new Spread(1, 1.5, 2.25).format("%.2fx")).isEqualTo("1.00x / 1.50x / 2.25x");
    }
}
