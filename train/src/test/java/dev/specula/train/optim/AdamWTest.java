package dev.specula.train.optim;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.train.model.Parameter;
import dev.specula.train.model.ParameterSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    private static final LlamaConfig TINY = new LlamaConfig("llama", 8, 16, 1, 2, 1, 4, 260, 8, 10000f, 1e-5f,
            RopeStyle.INTERLEAVED);

    @Test
    void step_twoSteps_matchHandComputedUpdateWithDecayOnMatricesOnly() {
        ParameterSet set = new ParameterSet(TINY);
        Parameter matrix = set.get("blk.0.attn_q.weight");
        Parameter norm = set.get("blk.0.attn_norm.weight");
        matrix.value()[0] = 0.5f;
        norm.value()[0] = 0.5f;
        AdamW adam = new AdamW(set, 0.9, 0.95, 1e-8, 0.1);
        double rate = 0.01;
        double w = 0.5;
        double wNorm = 0.5;
        double m = 0;
        double v = 0;
        float[] grads = {0.2f, -0.4f};
        for (int t = 1; t <= 2; t++) {
            matrix.grad()[0] = grads[t - 1];
            norm.grad()[0] = grads[t - 1];
            adam.step(set.all(), rate);
            m = 0.9 * m + 0.1 * grads[t - 1];
            v = 0.95 * v + 0.05 * grads[t - 1] * grads[t - 1];
            double update = (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.95, t))) + 1e-8);
            w = w - rate * update - rate * 0.1 * w;
            wNorm = wNorm - rate * update;
        }
        assertThat((double) matrix.value()[0]).isCloseTo(w, within(1e-6));
        // The norm gain gets the same Adam update, without decay.
        assertThat((double) norm.value()[0]).isCloseTo(wNorm, within(1e-6));
        assertThat(wNorm).isNotCloseTo(w, within(1e-4));
        assertThat(adam.steps()).isEqualTo(2);
    }

    @Test
    void step_zeroGradient_leavesNormsAndShrinksMatrices() {
        ParameterSet set = ParameterSet.initialized(TINY, 1);
        float before = set.get("blk.0.ffn_up.weight").value()[3];
        new AdamW(set, 0.9, 0.95, 1e-8, 0.5).step(set.all(), 0.1);
        assertThat(set.get("blk.0.ffn_norm.weight").value()[0]).isEqualTo(1f);
        assertThat(set.get("blk.0.ffn_up.weight").value()[3]).isCloseTo(before * 0.95f, within(1e-7f));
    }
}
