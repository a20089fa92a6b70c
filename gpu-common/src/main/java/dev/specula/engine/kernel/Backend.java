package dev.specula.engine.kernel;

import dev.specula.engine.tensor.WeightTensor;

/**
 * The kernels a transformer forward pass needs, over buffers the backend owns. Every operation works on
 * {@code n} rows at once so that prefill and block verification read each weight once for all tokens.
 *
 * <p>Nothing here assumes host memory: a GPU backend keeps buffers and weights on the device, and only
 * {@link #write} and {@link #read} cross to the host. Implementations need not be thread-safe for calls on
 * the same buffers; distinct buffers may be used from distinct threads.
 */
public interface Backend extends AutoCloseable {

    /** Short name used by flags and logs, e.g. {@code naive}. */
    String name();

    /** One line for the start-up log: what the backend runs on. */
    String description();

    /** Makes a 1-D or 2-D weight usable by this backend; called once per weight at load time. */
    DeviceWeight load(WeightTensor tensor);

    /** A zeroed buffer {@code [rows, cols]}. */
    DeviceBuffer allocate(int rows, int cols);

    /** Releases a buffer's memory; the buffer must not be used afterwards. */
    void free(DeviceBuffer buffer);

    /** Copies {@code values} (length {@code cols}) into row {@code row} of {@code dst}. */
    void write(DeviceBuffer dst, int row, float[] values);

    /** Copies row {@code row} of {@code src} into {@code values} (length {@code cols}). */
    void read(DeviceBuffer src, int row, float[] values);

    /** Copies {@code count} rows from {@code src} (from row {@code srcRow}) to {@code dst} (from {@code dstRow}). */
    void copyRows(DeviceBuffer src, int srcRow, DeviceBuffer dst, int dstRow, int count);

    /** {@code out[i] = table[tokens[i]]} for each token: embedding lookup. {@code out: [n, table.cols]}. */
    void embed(DeviceWeight table, int[] tokens, DeviceBuffer out);

    /** {@code out[i] = x[i] / rms(x[i]) * gamma} for the first {@code n} rows. */
    void rmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, DeviceBuffer out, int n);

    /**
     * In-place RMSNorm of every head of the first {@code n} rows: each {@code headSize}-wide slice of
     * {@code x: [n, heads * headSize]} is scaled by its own RMS and by {@code gamma: [headSize]}, the gain all
     * heads share (Qwen3's QK-norm on queries and keys before RoPE).
     */
    void headRmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, int n, int headSize);

    /** {@code out[i] = w · x[i]} for the first {@code n} rows: {@code x: [n, w.cols]}, {@code out: [n, w.rows]}. */
    void matmul(DeviceWeight w, DeviceBuffer x, DeviceBuffer out, int n);

    /** {@code x[i] += bias} for the first {@code n} rows. */
    void addBias(DeviceBuffer x, DeviceWeight bias, int n);

    /** {@code x[i] += delta[i]} for the first {@code n} rows (residual connection). */
    void add(DeviceBuffer x, DeviceBuffer delta, int n);

    /** {@code gate[i] = silu(gate[i]) * up[i]} for the first {@code n} rows (SwiGLU). */
    void swiglu(DeviceBuffer gate, DeviceBuffer up, int n);

    /** In-place softmax of the first {@code n} rows. */
    void softmax(DeviceBuffer x, int n);

    /**
     * Rotates every head of the first {@code n} rows of {@code x: [n, heads * headSize]}; row {@code i} is at
     * position {@code startPos + i}. {@code cos, sin: [maxPositions, headSize / 2]}.
     */
    void rope(DeviceBuffer x, int n, int headSize, int startPos, DeviceBuffer cos, DeviceBuffer sin, RopeStyle style);

    /**
     * Causal attention of {@code n} new query rows against a KV cache that already holds their own keys and
     * values: row {@code i} (position {@code startPos + i}) attends to positions {@code 0..startPos + i}.
     *
     * @param q      {@code [n, heads * headSize]}
     * @param keys   {@code [maxPositions, kvHeads * headSize]}
     * @param values {@code [maxPositions, kvHeads * headSize]}
     * @param out    {@code [n, heads * headSize]}
     */
    void attention(DeviceBuffer q, DeviceBuffer keys, DeviceBuffer values, DeviceBuffer out,
                   int n, int startPos, int heads, int kvHeads, int headSize);

    /** Releases what the backend holds (threads, device context); buffers must not be used afterwards. */
    @Override
    void close();
}
