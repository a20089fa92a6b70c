package dev.specula.train.kernel;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.RopeTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

import static dev.specula.train.kernel.FiniteDifferences.check;
import static dev.specula.train.kernel.FiniteDifferences.gaussian;
import static dev.specula.train.kernel.FiniteDifferences.projection;
import static org.assertj.core.api.Assertions.assertThat;

/** Every layer's backward pass against central finite differences of its forward pass. */
class LayerGradientTest {

    private static final Workers WORKERS = new Workers(2);

    @AfterAll
    static void closeWorkers() {
        WORKERS.close();
    }

    @Test
    void linear_inputAndWeightGradients_matchFiniteDifferences() {
        int rows = 5, in = 7, out = 19;
        float[] x = gaussian(rows * in, 1);
        float[] w = gaussian(out * in, 2);
        float[] r = gaussian(rows * out, 3);
        float[] y = new float[rows * out];
        float[] dx = new float[rows * in];
        float[] dw = new float[out * in];
        Linear.backward(r, x, w, dx, dw, rows, in, out, WORKERS);
        DoubleSupplier loss = () -> {
            Linear.forward(x, w, y, rows, in, out, WORKERS);
            return projection(y, r);
        };
        check("dx", x, dx, loss, 50, 4);
        check("dw", w, dw, loss, 50, 5);
    }

    @Test
    void rmsNorm_inputAndGainGradients_matchFiniteDifferences() {
        int rows = 4, dim = 24;
        float[] x = gaussian(rows * dim, 6);
        float[] gain = gaussian(dim, 7);
        float[] r = gaussian(rows * dim, 8);
        float[] y = new float[rows * dim];
        float[] inverseRms = new float[rows];
        RmsNorm.forward(x, gain, 1e-5f, y, inverseRms, rows, dim, WORKERS);
        float[] dx = new float[rows * dim];
        float[] dGain = new float[dim];
        RmsNorm.backward(r, x, gain, inverseRms, dx, dGain, rows, dim, WORKERS);
        DoubleSupplier loss = () -> {
            RmsNorm.forward(x, gain, 1e-5f, y, inverseRms, rows, dim, WORKERS);
            return projection(y, r);
        };
        check("dx", x, dx, loss, 96, 9);
        check("dGain", gain, dGain, loss, 24, 10);
    }

    @ParameterizedTest
    @EnumSource(RopeStyle.class)
    void rope_gradient_matchesFiniteDifferences(RopeStyle style) {
        LlamaConfig config = new LlamaConfig("llama", 16, 32, 1, 2, 2, 8, 64, 12, 10000f, 1e-5f, style);
        RopeTable table = RopeTable.of(config);
        int rows = 12, width = 16, seqLen = 6;
        float[] x = gaussian(rows * width, 11);
        float[] r = gaussian(rows * width, 12);
        float[] dx = r.clone();
        Rope.backward(dx, rows, width, 8, seqLen, table, style, WORKERS);
        DoubleSupplier loss = () -> {
            float[] y = x.clone();
            Rope.forward(y, rows, width, 8, seqLen, table, style, WORKERS);
            return projection(y, r);
        };
        check("dx", x, dx, loss, rows * width, 13);
    }

    @Test
    void swiGlu_gateAndUpGradients_matchFiniteDifferences() {
        int rows = 3, width = 20;
        float[] gate = gaussian(rows * width, 14);
        float[] up = gaussian(rows * width, 15);
        float[] r = gaussian(rows * width, 16);
        float[] h = new float[rows * width];
        float[] dGate = new float[rows * width];
        float[] dUp = new float[rows * width];
        SwiGlu.backward(r, gate, up, dGate, dUp, rows, width, WORKERS);
        DoubleSupplier loss = () -> {
            SwiGlu.forward(gate, up, h, rows, width, WORKERS);
            return projection(h, r);
        };
        check("dGate", gate, dGate, loss, 60, 17);
        check("dUp", up, dUp, loss, 60, 18);
    }

    @Test
    void causalAttention_groupedQueryGradients_matchFiniteDifferences() {
        CausalAttention attention = new CausalAttention(2, 5, 4, 2, 6);
        int rows = 10;
        float[] q = gaussian(rows * 24, 19);
        float[] k = gaussian(rows * 12, 20);
        float[] v = gaussian(rows * 12, 21);
        float[] r = gaussian(rows * 24, 22);
        float[] probs = new float[attention.probabilitiesLength()];
        float[] out = new float[rows * 24];
        attention.forward(q, k, v, probs, out, WORKERS);
        float[] dq = new float[q.length];
        float[] dk = new float[k.length];
        float[] dv = new float[v.length];
        attention.backward(q, k, v, probs, r, dq, dk, dv, WORKERS);
        DoubleSupplier loss = () -> {
            attention.forward(q, k, v, probs, out, WORKERS);
            return projection(out, r);
        };
        check("dq", q, dq, loss, q.length, 23);
        check("dk", k, dk, loss, k.length, 24);
        check("dv", v, dv, loss, v.length, 25);
    }

    @Test
    void causalAttention_laterPositions_doNotChangeEarlierOutputs() {
        CausalAttention attention = new CausalAttention(1, 6, 2, 1, 4);
        float[] q = gaussian(6 * 8, 26);
        float[] k = gaussian(6 * 4, 27);
        float[] v = gaussian(6 * 4, 28);
        float[] before = new float[6 * 8];
        attention.forward(q, k, v, new float[attention.probabilitiesLength()], before, WORKERS);
        for (int i = 5 * 4; i < 6 * 4; i++) {
            k[i] += 3f;
            v[i] -= 2f;
        }
        float[] after = new float[6 * 8];
        attention.forward(q, k, v, new float[attention.probabilitiesLength()], after, WORKERS);
        assertThat(Arrays.copyOf(after, 5 * 8))
                .containsExactly(Arrays.copyOf(before, 5 * 8));
    }
}
