package dev.specula.engine.model;

import dev.specula.engine.kernel.RopeStyle;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Llama 3's RoPE frequency divisors against the formula, and the RoPE table that applies them. */
class RopeScalingTest {

    // Llama 3.1 8B: head 128, theta 500000, rope_scaling {factor 8, low 1, high 4, original 8192}.
    private static final int HEAD = 128;
    private static final float THETA = 500_000f;

    @Test
    void llama3_llama31Parameters_keepsHighScalesLowAndBlendsBetween() {
        float[] d = RopeScaling.llama3(HEAD, THETA, 8, 1, 4, 8192).divisors();

        assertThat(d).hasSize(64);
        // j = 0: frequency 1, wavelength 2π < 8192 / 4: kept.
        assertThat(d[0]).isEqualTo(1f);
        // j = 63: frequency 500000^(-126/128) ≈ 2.4e-6, wavelength ≈ 2.6e6 > 8192: divided by the factor.
        assertThat(d[63]).isEqualTo(8f);
        // j = 30: frequency 500000^(-60/128) = 0.0021311, wavelength 2948.3, between 2048 and 8192:
        // smooth = (8192 / 2948.3 - 1) / (4 - 1) = 0.59285; divisor = 1 / ((1 - 0.59285) / 8 + 0.59285) = 1.5534.
        double wavelength = 2 * Math.PI * Math.pow(THETA, 60.0 / 128);
        double smooth = (8192 / wavelength - 1) / 3;
        assertThat((double) d[30]).isCloseTo(1 / ((1 - smooth) / 8 + smooth), within(1e-5));
        assertThat((double) d[30]).isCloseTo(1.5534, within(1e-4));
        // The blend runs from 1 to 8 without going back.
        for (int j = 1; j < d.length; j++) {
            assertThat(d[j]).as("divisor %d", j).isGreaterThanOrEqualTo(d[j - 1]);
        }
    }

    @Test
    void ropeTable_withDivisors_rotatesEachFrequencyByPositionTimesFrequencyOverDivisor() {
        RopeScaling scaling = RopeScaling.llama3(HEAD, THETA, 8, 1, 4, 8192);
        LlamaConfig config = new LlamaConfig("llama", 256, 512, 1, 2, 2, HEAD, 10, 64, THETA, 1e-5f,
                RopeStyle.INTERLEAVED, scaling);
        RopeTable table = RopeTable.of(config);
        RopeTable plain = RopeTable.of(new LlamaConfig("llama", 256, 512, 1, 2, 2, HEAD, 10, 64, THETA, 1e-5f,
                RopeStyle.INTERLEAVED));

        int pos = 50;
        for (int j : new int[] {0, 30, 63}) {
            double angle = pos * Math.pow(THETA, -2.0 * j / HEAD) / scaling.divisors()[j];
            assertThat((double) table.cos()[pos * 64 + j]).as("cos j=%d", j).isCloseTo(Math.cos(angle), within(1e-4));
            assertThat((double) table.sin()[pos * 64 + j]).as("sin j=%d", j).isCloseTo(Math.sin(angle), within(1e-4));
        }
        assertThat(table.sin()[pos * 64]).isEqualTo(plain.sin()[pos * 64]); // divisor 1: unchanged
        assertThat((double) table.sin()[pos * 64 + 63]).isCloseTo(plain.sin()[pos * 64 + 63] / 8.0, within(1e-9));
    }

    @Test
    void linear_everyFrequencyDividedByTheFactor() {
        assertThat(RopeScaling.linear(8, 4f).divisors()).containsExactly(4f, 4f, 4f, 4f);
    }

    @Test
    void config_divisorsOfAnotherHeadSize_isRefused() {
        assertThatThrownBy(() -> new LlamaConfig("llama", 64, 96, 1, 4, 4, 16, 10, 32, 10000f, 1e-5f,
                RopeStyle.INTERLEAVED, RopeScaling.linear(32, 2f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ropeScaling: 16 divisors (expected: 8");
    }

    @Test
    void llama3_highFactorNotAboveLow_isRefused() {
        assertThatThrownBy(() -> RopeScaling.llama3(HEAD, THETA, 8, 4, 4, 8192))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 < low_freq_factor < high_freq_factor");
    }
}
