package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.DeviceWeight;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.specula.engine.kernel.cuda.CudaDriver.check;

/**
 * The kernels on an NVIDIA GPU through JCuda's driver API: weights uploaded once in their stored type and
 * decoded by the kernels (K-quants, which have no kernels, decoded to F32 at upload), buffers and KV caches in
 * device memory, every kernel on the default stream so that calls run in order and {@link #read} waits for the
 * work before it. Calls are serialised on this object, which makes the backend safe to share between threads.
 */
public final class CudaBackend implements Backend {

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final String deviceDescription;
    private final DeviceAllocator allocator;
    private final CudaKernels kernels;
    private final List<CudaWeight> weights = new ArrayList<>();
    private final Set<CudaBuffer> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
    private final DeviceScratch scratch;
    private final DeviceSampling sampling;
    private boolean closed;

    /** The backend on device 0. */
    public CudaBackend() {
        this(0);
    }

    /**
     * The backend on device {@code ordinal}, using its primary context.
     *
     * @throws IllegalStateException when no CUDA driver or device is usable, with the reason
     */
    public CudaBackend(int ordinal) {
        CudaDriver.requireAvailable();
        check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet " + ordinal);
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        bind();
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        long[] total = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        String deviceName = new String(name, 0, indexOfZero(name)).trim();
        deviceDescription = String.format(Locale.ROOT, "%s (sm_%d%d, %d SMs, %s)", deviceName,
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), DeviceMemory.bytes(total[0]));
        allocator = new DeviceAllocator(deviceName);
        kernels = new CudaKernels();
        scratch = new DeviceScratch(allocator);
        sampling = new DeviceSampling(kernels, scratch);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public synchronized String description() {
        return "cuda: " + deviceDescription + ", JCuda driver API, PTX compute_90; device memory: " + memoryReport();
    }

    /** Device memory this backend holds now: weights and buffers, in bytes. */
    public synchronized long allocatedBytes() {
        return allocator.memory().allocatedBytes();
    }

    /** What this backend holds and what the device has free, in one line. */
    public synchronized String memoryReport() {
        bind();
        long[] info = allocator.freeAndTotal();
        return allocator.memory().summary() + "; " + DeviceMemory.bytes(info[0]) + " free of " + DeviceMemory.bytes(info[1]);
    }

    /**
     * Fails fast, before any upload, when {@code bytes} (e.g. a model's weights plus its KV caches) exceed the
     * device's free memory: the error names {@code what}, the size and the free memory.
     */
    public synchronized void requireFits(long bytes, String what) {
        bind();
        allocator.requireFits(bytes, what);
    }

    @Override
    public synchronized DeviceWeight load(WeightTensor tensor) {
        bind();
        int rows = tensor.rows();
        int cols = tensor.cols();
        String what = "weight " + tensor;
        if (rows == 1) { // a vector: norm gain or bias, read by float kernels
            float[] values = new float[cols];
            TensorCodec.dequantize(tensor.type(), tensor.data(), 0, values, 0, cols);
            CUdeviceptr pointer = allocator.allocate(4L * cols, what, true);
            allocator.upload(MemorySegment.ofArray(values), pointer);
            return remember(new CudaWeight(tensor.name(), tensor.type(), GgmlType.F32, rows, cols, pointer, 4L * cols));
        }
        if (tensor.type().isKQuant()) {
            return remember(uploadDecoded(tensor, what));
        }
        long bytes = tensor.data().byteSize();
        CUdeviceptr pointer = allocator.allocate(bytes, what, true);
        allocator.upload(tensor.data(), pointer);
        return remember(new CudaWeight(tensor.name(), tensor.type(), tensor.type(), rows, cols, pointer, bytes));
    }

    /**
     * A K-quant matrix, decoded to F32 on the host and multiplied by the F32 kernels: the simplest correct path (the
     * same values as the CPU backends, at 4 bytes a weight instead of 2.6 to 6.6 bits); there are no K-quant kernels.
     */
    private CudaWeight uploadDecoded(WeightTensor tensor, String what) {
        int rows = tensor.rows();
        int cols = tensor.cols();
        long bytes = 4L * rows * cols;
        CUdeviceptr pointer = allocator.allocate(bytes, what + " (decoded to F32)", true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment decoded = arena.allocate(bytes, 16); // [rows, cols] F32
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                TensorCodec.dequantize(tensor.type(), tensor.data(), (long) r * cols, row, 0, cols);
                MemorySegment.copy(row, 0, decoded, ValueLayout.JAVA_FLOAT, 4L * r * cols, cols);
            }
            allocator.upload(decoded, pointer);
        }
        return new CudaWeight(tensor.name(), tensor.type(), GgmlType.F32, rows, cols, pointer, bytes);
    }

    private CudaWeight remember(CudaWeight weight) {
        weights.add(weight);
        return weight;
    }

    @Override
    public synchronized DeviceBuffer allocate(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("buffer [" + rows + ", " + cols + "] (expected: positive sizes)");
        }
        bind();
        long bytes = 4L * rows * cols;
        CudaBuffer buffer = new CudaBuffer(allocator.allocate(bytes, "buffer [" + rows + ", " + cols + "]", false), rows, cols);
        buffers.add(buffer);
        return buffer;
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        if (closed && buffer instanceof CudaBuffer) {
            return; // close() released every buffer; sessions may still close theirs afterwards
        }
        CudaBuffer b = CudaBuffer.of(buffer);
        bind();
        allocator.freeBuffer(b.pointer, b.bytes());
        b.markFreed();
        buffers.remove(b);
    }

    @Override
    public synchronized void write(DeviceBuffer dst, int row, float[] values) {
        CudaBuffer b = CudaBuffer.of(dst);
        Shapes.checkRow("write", b, row, values);
        bind();
        check(JCudaDriver.cuMemcpyHtoD(b.row(row), Pointer.to(values), 4L * b.cols()), "cuMemcpyHtoD row " + row);
    }

    @Override
    public synchronized void read(DeviceBuffer src, int row, float[] values) {
        CudaBuffer b = CudaBuffer.of(src);
        Shapes.checkRow("read", b, row, values);
        bind();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(values), b.row(row), 4L * b.cols()), "cuMemcpyDtoH row " + row);
    }

    @Override
    public synchronized void copyRows(DeviceBuffer src, int srcRow, DeviceBuffer dst, int dstRow, int count) {
        CudaBuffer s = CudaBuffer.of(src);
        CudaBuffer d = CudaBuffer.of(dst);
        if (s.cols() != d.cols()) {
            throw new IllegalArgumentException("copyRows: " + s.cols() + " columns into " + d.cols() + " (expected: equal)");
        }
        if (count < 0 || srcRow < 0 || dstRow < 0 || srcRow + count > s.rows() || dstRow + count > d.rows()) {
            throw new IllegalArgumentException("copyRows: " + count + " rows from " + srcRow + " of " + s.rows() + " to "
                    + dstRow + " of " + d.rows() + " (expected: within both buffers)");
        }
        if (count > 0) {
            bind();
            check(JCudaDriver.cuMemcpyDtoD(d.row(dstRow), s.row(srcRow), 4L * count * s.cols()), "cuMemcpyDtoD");
        }
    }

    @Override
    public synchronized void embed(DeviceWeight table, int[] tokens, DeviceBuffer out) {
        CudaWeight t = CudaWeight.of(table);
        CudaBuffer o = CudaBuffer.of(out);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= t.rows()) {
                throw new IllegalArgumentException("token " + tokens[i] + " (expected: in [0, " + t.rows() + "))");
            }
        }
        Shapes.checkRows("embed", o, tokens.length, t.cols());
        bind();
        CUdeviceptr ids = scratch.ints(tokens);
        kernels.launch("embed", KernelPlan.blocks(t.cols(), KernelPlan.ROW_THREADS), tokens.length, KernelPlan.ROW_THREADS,
                t.pointer, KernelPlan.typeCode(t.deviceType), ids, o.pointer, t.cols());
    }

    @Override
    public synchronized void rmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, DeviceBuffer out, int n) {
        CudaBuffer in = CudaBuffer.of(x);
        CudaBuffer o = CudaBuffer.of(out);
        CudaWeight g = Shapes.vector(gamma, in.cols());
        Shapes.checkRows("rmsnorm", in, n, o.cols());
        Shapes.checkRows("rmsnorm", o, n, in.cols());
        bind();
        kernels.launch("rmsnorm", n, 1, KernelPlan.ROW_THREADS, in.pointer, g.pointer, eps, o.pointer, in.cols());
    }

    @Override
    public synchronized void headRmsnorm(DeviceBuffer x, DeviceWeight gamma, float eps, int n, int headSize) {
        CudaBuffer b = CudaBuffer.of(x);
        CudaWeight g = Shapes.vector(gamma, headSize);
        Shapes.checkRows("headRmsnorm", b, n, b.cols());
        if (b.cols() % headSize != 0) {
            throw new IllegalArgumentException("headRmsnorm: rows of " + b.cols() + " (expected: a multiple of headSize "
                    + headSize + ")");
        }
        bind();
        // The row kernel, one block per head: the buffer seen as [n * heads, headSize], normalised in place.
        kernels.launch("rmsnorm", n * (b.cols() / headSize), 1, KernelPlan.ROW_THREADS, b.pointer, g.pointer, eps,
                b.pointer, headSize);
    }

    @Override
    public synchronized void matmul(DeviceWeight weight, DeviceBuffer x, DeviceBuffer out, int n) {
        CudaWeight w = CudaWeight.of(weight);
        CudaBuffer in = CudaBuffer.of(x);
        CudaBuffer o = CudaBuffer.of(out);
        if (in.cols() != w.cols() || o.cols() != w.rows()) {
            throw new IllegalArgumentException("matmul " + w.name() + " [" + w.rows() + ", " + w.cols() + "]: input has "
                    + in.cols() + " columns, output " + o.cols() + " (expected: " + w.cols() + " and " + w.rows() + ")");
        }
        Shapes.checkRows("matmul", in, n, w.cols());
        Shapes.checkRows("matmul", o, n, w.rows());
        bind();
        String entry = KernelPlan.matmulEntry(w.deviceType, w.cols());
        int gridX = KernelPlan.blocks(w.rows(), KernelPlan.MATMUL_WARPS);
        int gridY = KernelPlan.blocks(n, KernelPlan.MATMUL_ROWS);
        int threads = KernelPlan.MATMUL_WARPS * 32;
        if (entry.equals("matmul_scalar")) {
            kernels.launch(entry, gridX, gridY, threads, w.pointer, KernelPlan.typeCode(w.deviceType), in.pointer,
                    o.pointer, w.rows(), w.cols(), n);
        } else {
            kernels.launch(entry, gridX, gridY, threads, w.pointer, in.pointer, o.pointer, w.rows(), w.cols(), n);
        }
    }

    @Override
    public synchronized void addBias(DeviceBuffer x, DeviceWeight bias, int n) {
        CudaBuffer b = CudaBuffer.of(x);
        CudaWeight v = Shapes.vector(bias, b.cols());
        Shapes.checkRows("addBias", b, n, b.cols());
        bind();
        long count = (long) n * b.cols();
        kernels.launch("add_bias", KernelPlan.blocks(count, KernelPlan.ROW_THREADS), 1, KernelPlan.ROW_THREADS,
                b.pointer, v.pointer, b.cols(), count);
    }

    @Override
    public synchronized void add(DeviceBuffer x, DeviceBuffer delta, int n) {
        elementwise("add", x, delta, n);
    }

    @Override
    public synchronized void swiglu(DeviceBuffer gate, DeviceBuffer up, int n) {
        elementwise("swiglu", gate, up, n);
    }

    private void elementwise(String kernel, DeviceBuffer target, DeviceBuffer operand, int n) {
        CudaBuffer t = CudaBuffer.of(target);
        CudaBuffer o = CudaBuffer.of(operand);
        Shapes.checkRows(kernel, t, n, o.cols());
        Shapes.checkRows(kernel, o, n, t.cols());
        bind();
        long count = (long) n * t.cols();
        kernels.launch(kernel, KernelPlan.blocks(count, KernelPlan.ROW_THREADS), 1, KernelPlan.ROW_THREADS,
                t.pointer, o.pointer, count);
    }

    @Override
    public synchronized void softmax(DeviceBuffer x, int n) {
        CudaBuffer b = CudaBuffer.of(x);
        Shapes.checkRows("softmax", b, n, b.cols());
        bind();
        kernels.launch("softmax", n, 1, KernelPlan.ROW_THREADS, b.pointer, b.cols(), 1f);
    }

    @Override
    public synchronized void rope(DeviceBuffer x, int n, int headSize, int startPos, DeviceBuffer cos, DeviceBuffer sin,
                                  RopeStyle style) {
        CudaBuffer b = CudaBuffer.of(x);
        CudaBuffer c = CudaBuffer.of(cos);
        CudaBuffer s = CudaBuffer.of(sin);
        Shapes.checkRows("rope", b, n, b.cols());
        if (headSize <= 0 || headSize % 2 != 0 || b.cols() % headSize != 0 || c.cols() != headSize / 2
                || s.cols() != headSize / 2) {
            throw new IllegalArgumentException("rope: headSize " + headSize + ", x has " + b.cols() + " columns, tables "
                    + c.cols() + " (expected: an even head size dividing the row, tables of headSize / 2 columns)");
        }
        if (startPos < 0 || startPos + n > Math.min(c.rows(), s.rows())) {
            throw new IllegalArgumentException("rope: positions " + startPos + ".." + (startPos + n - 1)
                    + " (expected: within the " + c.rows() + " rows of the tables)");
        }
        bind();
        long count = (long) n * (b.cols() / 2);
        kernels.launch("rope", KernelPlan.blocks(count, KernelPlan.ROW_THREADS), 1, KernelPlan.ROW_THREADS, b.pointer, n,
                b.cols(), headSize, startPos, c.pointer, s.pointer, style == RopeStyle.NEOX ? 1 : 0);
    }

    @Override
    public synchronized void attention(DeviceBuffer q, DeviceBuffer keys, DeviceBuffer values, DeviceBuffer out,
                                       int n, int startPos, int heads, int kvHeads, int headSize) {
        CudaBuffer qb = CudaBuffer.of(q);
        CudaBuffer kb = CudaBuffer.of(keys);
        CudaBuffer vb = CudaBuffer.of(values);
        CudaBuffer ob = CudaBuffer.of(out);
        if (headSize <= 0 || headSize > KernelPlan.MAX_HEAD_SIZE || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention: heads " + heads + ", kvHeads " + kvHeads + ", headSize "
                    + headSize + " (expected: kvHeads dividing heads, headSize in 1.." + KernelPlan.MAX_HEAD_SIZE + ")");
        }
        Shapes.checkRows("attention", qb, n, heads * headSize);
        Shapes.checkRows("attention", ob, n, heads * headSize);
        Shapes.checkRows("attention", kb, startPos + n, kvHeads * headSize);
        Shapes.checkRows("attention", vb, startPos + n, kvHeads * headSize);
        bind();
        kernels.launch("attention", heads, n, KernelPlan.ATTENTION_WARPS * 32, qb.pointer, kb.pointer, vb.pointer,
                ob.pointer, startPos, heads, kvHeads, headSize);
    }

    /**
     * The greedy token of each of the first {@code n} rows of {@code logits}, chosen on the device: the first
     * index of the largest logit, as {@code Sampler.argmax}; only the ids cross to the host.
     */
    public synchronized int[] argmax(DeviceBuffer logits, int n) {
        bind();
        return sampling.argmax(logits, n);
    }

    /**
     * Samples each of the first {@code n} rows of {@code logits} from {@code softmax(logits / temperature)} on
     * the device with the given uniforms in {@code [0, 1)}: the token is the first whose cumulative probability
     * exceeds its uniform. Only the tokens and their probabilities cross to the host. No top-k/top-p filter.
     */
    public synchronized SampledTokens sample(DeviceBuffer logits, int n, float temperature, float[] uniforms) {
        bind();
        return sampling.sample(logits, n, temperature, uniforms);
    }

    /**
     * Replaces the first {@code n} rows of {@code logits} by {@code softmax(logits / temperature)} and returns
     * row {@code i}'s probability of {@code tokens[i]}: what rejection sampling needs from the target, without
     * copying whole rows to the host.
     */
    public synchronized float[] probabilities(DeviceBuffer logits, int n, float temperature, int[] tokens) {
        bind();
        return sampling.probabilities(logits, n, temperature, tokens);
    }

    /**
     * Device memory bandwidth as the best of {@code repeats} device-to-device copies of {@code bytes}, counting
     * each byte read and written: the bound a decode step, which reads every weight once, can at best reach.
     */
    public synchronized double copyBytesPerSecond(long bytes, int repeats) {
        bind();
        return allocator.copyBytesPerSecond(bytes, repeats);
    }

    /** Waits until every launched kernel has finished (for timing). */
    public synchronized void synchronize() {
        bind();
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        bind();
        for (CudaBuffer b : List.copyOf(buffers)) {
            free(b);
        }
        for (CudaWeight w : weights) {
            allocator.freeWeight(w.pointer);
        }
        weights.clear();
        scratch.close();
        kernels.unload();
        closed = true;
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }

    private void bind() {
        if (closed) {
            throw new IllegalStateException("backend cuda already closed");
        }
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute " + attribute);
        return value[0];
    }

    private static int indexOfZero(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }
}
