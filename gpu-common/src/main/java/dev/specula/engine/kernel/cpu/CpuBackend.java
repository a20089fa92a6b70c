package dev.specula.engine.kernel.cpu;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;

import java.util.function.IntConsumer;

/**
 * What both CPU backends share: heap buffers, in-place weights, and the shape of each kernel. Subclasses
 * supply the inner loops ({@link #dot}, {@link #axpy}, {@link #matmul}) and how work is spread over cores
 * ({@link #parallelFor}).
 */
abstract class CpuBackend implements Backend {

    /** Runs {@code body} for every index in {@code [0, count)}, possibly on several threads. */
    abstract void parallelFor(int count, IntConsumer body);

    /** {@code Σ a[aOff + j] * b[bOff + j]} over {@code len} elements. */
    abstract float dot(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code y[yOff + j] += alpha * x[xOff + j]} over {@code len} elements. */
    abstract void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

    @Override
    public DeviceWeight load(WeightTensor tensor) {
        return new HostWeight(tensor);
    }

    @Override
    public DeviceBuffer allocate(int rows, int cols) {
        return new HostBuffer(rows, cols);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        HostBuffer.of(buffer); // the garbage collector reclaims heap buffers
    }

    @Override
    public void write(DeviceBuffer dst, int row, float[] values) {
        HostBuffer b = HostBuffer.of(dst);
        System.arraycopy(values, 0, b.data, row * b.cols(), b.cols());
    }

    @Override
    public void read(DeviceBuffer src, int row, float[] values) {
        HostBuffer b = HostBuffer.of(src);
        System.arraycopy(b.data, row * b.cols(), values, 0, b.cols());
    }

    @Override
    public void copyRows(DeviceBuffer src, int srcRow, DeviceBuffer dst, int dstRow, int count) {
        HostBuffer s = HostBuffer.of(src);
        HostBuffer d = HostBuffer.of(dst);
        if (s.cols() != d.cols()) {
            throw new IllegalArgumentException("copyRows: " + s.cols() + " columns into " + d.cols());
        }
        System.arraycopy(s.data, srcRow * s.cols(), d.data, dstRow * d.cols(), count * s.cols());
    }

    @Override
    public void embed(DeviceWeight table, int[] tokens, DeviceBuffer out) {
        HostWeight t = HostWeight.of(table);
        HostBuffer o = HostBuffer.of(out);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= t.rows()) {
                throw new IllegalArgumentException("token " + tokens[i] + " (expected: in [0, " + t.rows() + "))");
            }
            TensorCodec.dequantize(t.type(), t.data(), (long) tokens[i] * t.cols(), o.data, i * o.cols(), t.cols());
        }
    }

    @Override
    public void rmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, DeviceBuffer out, int n) {
        HostBuffer in = HostBuffer.of(x);
        HostBuffer o = HostBuffer.of(out);
        float[] g = dense(gamma);
        int size = in.cols();
        for (int i = 0; i < n; i++) {
            rmsnormSlice(in.data, g, eps, o.data, i * size, size);
        }
    }

    @Override
    public void headRmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, int n, int headSize) {
        HostBuffer b = HostBuffer.of(x);
        float[] g = dense(gamma);
        if (g.length != headSize || b.cols() % headSize != 0) {
            throw new IllegalArgumentException("headRmsnorm: gain of " + g.length + " on rows of " + b.cols()
                    + " (expected: a gain of headSize " + headSize + " dividing the row width)");
        }
        for (int off = 0; off < n * b.cols(); off += headSize) {
            rmsnormSlice(b.data, g, eps, b.data, off, headSize);
        }
    }

    /** {@code out[off..off+size) = in[off..off+size) / rms * g}; {@code in} and {@code out} may be the same array. */
    private void rmsnormSlice(float[] in, float[] g, float eps, float[] out, int off, int size) {
        float ss = dot(in, off, in, off, size) / size + eps;
        float scale = (float) (1.0 / Math.sqrt(ss));
        for (int j = 0; j < size; j++) {
            out[off + j] = g[j] * (scale * in[off + j]);
        }
    }

    @Override
    public void addBias(DeviceBuffer x, DeviceWeight bias, int n) {
        HostBuffer b = HostBuffer.of(x);
        float[] values = dense(bias);
        for (int i = 0; i < n; i++) {
            axpy(1f, values, 0, b.data, i * b.cols(), b.cols());
        }
    }

    @Override
    public void add(DeviceBuffer x, DeviceBuffer delta, int n) {
        HostBuffer b = HostBuffer.of(x);
        HostBuffer d = HostBuffer.of(delta);
        axpy(1f, d.data, 0, b.data, 0, n * b.cols());
    }

    @Override
    public void swiglu(DeviceBuffer gate, DeviceBuffer up, int n) {
        HostBuffer g = HostBuffer.of(gate);
        HostBuffer u = HostBuffer.of(up);
        int count = n * g.cols();
        for (int j = 0; j < count; j++) {
            float v = g.data[j];
            g.data[j] = v / (1f + (float) Math.exp(-v)) * u.data[j];
        }
    }

    @Override
    public void softmax(DeviceBuffer x, int n) {
        HostBuffer b = HostBuffer.of(x);
        for (int i = 0; i < n; i++) {
            softmaxInPlace(b.data, i * b.cols(), b.cols());
        }
    }

    @Override
    public void rope(DeviceBuffer x, int n, int headSize, int startPos, DeviceBuffer cos, DeviceBuffer sin,
                     RopeStyle style) {
        HostBuffer b = HostBuffer.of(x);
        float[] c = HostBuffer.of(cos).data;
        float[] s = HostBuffer.of(sin).data;
        int half = headSize / 2;
        for (int i = 0; i < n; i++) {
            int table = (startPos + i) * half;
            for (int head = 0; head < b.cols() / headSize; head++) {
                int base = i * b.cols() + head * headSize;
                for (int j = 0; j < half; j++) {
                    int a = style == RopeStyle.INTERLEAVED ? base + 2 * j : base + j;
                    int z = style == RopeStyle.INTERLEAVED ? a + 1 : a + half;
                    float v0 = b.data[a];
                    float v1 = b.data[z];
                    b.data[a] = v0 * c[table + j] - v1 * s[table + j];
                    b.data[z] = v0 * s[table + j] + v1 * c[table + j];
                }
            }
        }
    }

    @Override
    public void attention(DeviceBuffer q, DeviceBuffer keys, DeviceBuffer values, DeviceBuffer out,
                          int n, int startPos, int heads, int kvHeads, int headSize) {
        float[] qd = HostBuffer.of(q).data;
        float[] kd = HostBuffer.of(keys).data;
        float[] vd = HostBuffer.of(values).data;
        float[] od = HostBuffer.of(out).data;
        int dim = heads * headSize;
        int kvDim = kvHeads * headSize;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headSize));
        parallelFor(n * heads, task -> {
            int i = task / heads;
            int head = task % heads;
            int positions = startPos + i + 1;
            int qOff = i * dim + head * headSize;
            int kvOff = (head / group) * headSize;
            float[] scores = new float[positions];
            for (int t = 0; t < positions; t++) {
                scores[t] = dot(qd, qOff, kd, t * kvDim + kvOff, headSize) * scale;
            }
            softmaxInPlace(scores, 0, positions);
            java.util.Arrays.fill(od, qOff, qOff + headSize, 0f);
            for (int t = 0; t < positions; t++) {
                axpy(scores[t], vd, t * kvDim + kvOff, od, qOff, headSize);
            }
        });
    }

    @Override
    public void close() {
    }

    static void softmaxInPlace(float[] x, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            max = Math.max(max, x[off + j]);
        }
        float sum = 0f;
        for (int j = 0; j < len; j++) {
            x[off + j] = (float) Math.exp(x[off + j] - max);
            sum += x[off + j];
        }
        for (int j = 0; j < len; j++) {
            x[off + j] /= sum;
        }
    }

    private static float[] dense(DeviceWeight weight) {
        return HostWeight.of(weight).dense();
    }
}
