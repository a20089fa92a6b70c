package dev.specula.engine.model;

import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.util.Map;

/**
 * A forward pass written straight from the architectures' definitions, in doubles, for tests: it reads the
 * tensors by their names in real files (fused Phi-3 matrices sliced by row here, not by the engine's code)
 * and shares nothing with the engine's pass but the tensor decoding.
 */
final class ReferenceForward {

    private final LlamaConfig c;
    private final Architecture arch;
    private final Map<String, WeightTensor> tensors;

    ReferenceForward(ModelFile file) {
        this.c = file.config();
        this.arch = Architecture.of(c.architecture());
        this.tensors = file.tensors();
    }

    /** The logits after every one of {@code tokens}, from position 0: {@code [tokens.length, vocab]}. */
    float[][] logits(int[] tokens) {
        int n = tokens.length;
        int hs = c.headSize();
        double[][] keys = new double[c.layers() * n][];
        double[][] values = new double[c.layers() * n][];
        float[][] out = new float[n][];
        for (int pos = 0; pos < n; pos++) {
            double[] x = rows("token_embd.weight", tokens[pos], 1)[0];
            for (int l = 0; l < c.layers(); l++) {
                String p = "blk." + l + ".";
                double[] h = rmsnorm(x, vector(p + "attn_norm.weight"));
                double[] q;
                double[] k;
                double[] v;
                if (arch.fusedProjections()) { // attn_qkv rows: Q, then K, then V
                    double[] qkv = matvec(rows(p + "attn_qkv.weight", 0, c.queryDim() + 2 * c.kvDim()), h);
                    q = java.util.Arrays.copyOfRange(qkv, 0, c.queryDim());
                    k = java.util.Arrays.copyOfRange(qkv, c.queryDim(), c.queryDim() + c.kvDim());
                    v = java.util.Arrays.copyOfRange(qkv, c.queryDim() + c.kvDim(), qkv.length);
                } else {
                    q = matvec(all(p + "attn_q.weight"), h);
                    k = matvec(all(p + "attn_k.weight"), h);
                    v = matvec(all(p + "attn_v.weight"), h);
                }
                if (tensors.containsKey(p + "attn_q.bias")) {
                    add(q, vector(p + "attn_q.bias"));
                    add(k, vector(p + "attn_k.bias"));
                    add(v, vector(p + "attn_v.bias"));
                }
                if (arch.headNorms()) {
                    headNorm(q, vector(p + "attn_q_norm.weight"));
                    headNorm(k, vector(p + "attn_k_norm.weight"));
                }
                rope(q, pos);
                rope(k, pos);
                keys[l * n + pos] = k;
                values[l * n + pos] = v;
                double[] att = new double[c.queryDim()];
                int group = c.heads() / c.kvHeads();
                for (int head = 0; head < c.heads(); head++) {
                    int kvOff = (head / group) * hs;
                    double[] scores = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t <= pos; t++) {
                        double s = 0;
                        for (int d = 0; d < hs; d++) {
                            s += q[head * hs + d] * keys[l * n + t][kvOff + d];
                        }
                        scores[t] = s / Math.sqrt(hs);
                        max = Math.max(max, scores[t]);
                    }
                    double sum = 0;
                    for (int t = 0; t <= pos; t++) {
                        scores[t] = Math.exp(scores[t] - max);
                        sum += scores[t];
                    }
                    for (int t = 0; t <= pos; t++) {
                        for (int d = 0; d < hs; d++) {
                            att[head * hs + d] += scores[t] / sum * values[l * n + t][kvOff + d];
                        }
                    }
                }
                add(x, matvec(all(p + "attn_output.weight"), att));
                h = rmsnorm(x, vector(p + "ffn_norm.weight"));
                double[] gate;
                double[] up;
                if (arch.fusedProjections()) { // ffn_up rows: gate, then up
                    gate = matvec(rows(p + "ffn_up.weight", 0, c.hiddenDim()), h);
                    up = matvec(rows(p + "ffn_up.weight", c.hiddenDim(), c.hiddenDim()), h);
                } else {
                    gate = matvec(all(p + "ffn_gate.weight"), h);
                    up = matvec(all(p + "ffn_up.weight"), h);
                }
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x, matvec(all(p + "ffn_down.weight"), gate));
            }
            double[] logits = matvec(all(tensors.containsKey("output.weight") ? "output.weight" : "token_embd.weight"),
                    rmsnorm(x, vector("output_norm.weight")));
            out[pos] = new float[logits.length];
            for (int i = 0; i < logits.length; i++) {
                out[pos][i] = (float) logits[i];
            }
        }
        return out;
    }

    private void rope(double[] x, int pos) {
        int hs = c.headSize();
        int half = hs / 2;
        WeightTensor freqs = tensors.get("rope_freqs.weight");
        double[] divisors = freqs == null ? null : rows("rope_freqs.weight", 0, 1)[0];
        for (int head = 0; head < x.length / hs; head++) {
            for (int j = 0; j < half; j++) {
                double angle = pos * Math.pow(c.ropeTheta(), -2.0 * j / hs) / (divisors == null ? 1 : divisors[j]);
                int a = head * hs + (c.ropeStyle() == RopeStyle.INTERLEAVED ? 2 * j : j);
                int b = c.ropeStyle() == RopeStyle.INTERLEAVED ? a + 1 : a + half;
                double v0 = x[a];
                double v1 = x[b];
                x[a] = v0 * Math.cos(angle) - v1 * Math.sin(angle);
                x[b] = v0 * Math.sin(angle) + v1 * Math.cos(angle);
            }
        }
    }

    private void headNorm(double[] x, double[] gain) {
        int hs = c.headSize();
        for (int off = 0; off < x.length; off += hs) {
            double[] head = rmsnorm(java.util.Arrays.copyOfRange(x, off, off + hs), gain);
            System.arraycopy(head, 0, x, off, hs);
        }
    }

    private double[] rmsnorm(double[] x, double[] gain) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = gain[i] * scale * x[i];
        }
        return out;
    }

    private double[] vector(String name) {
        return rows(name, 0, 1)[0];
    }

    private double[][] all(String name) {
        return rows(name, 0, tensors.get(name).rows());
    }

    /** Rows {@code [first, first + count)} of tensor {@code name}, decoded. */
    private double[][] rows(String name, int first, int count) {
        WeightTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        float[] row = new float[t.cols()];
        double[][] out = new double[count][t.cols()];
        for (int r = 0; r < count; r++) {
            TensorCodec.dequantize(t.type(), t.data(), (long) (first + r) * t.cols(), row, 0, t.cols());
            for (int j = 0; j < row.length; j++) {
                out[r][j] = row[j];
            }
        }
        return out;
    }

    private static double[] matvec(double[][] w, double[] x) {
        double[] out = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += w[r][j] * x[j];
            }
            out[r] = s;
        }
        return out;
    }

    private static void add(double[] x, double[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }
}
