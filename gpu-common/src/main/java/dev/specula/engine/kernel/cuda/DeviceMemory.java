package dev.specula.engine.kernel.cuda;

import java.util.Locale;

/**
 * Device memory this backend has allocated, split into weights (uploaded once, kept until close) and buffers
 * (activations, KV caches: allocated and freed per session), with the peak. Not thread-safe: the backend
 * updates it under its own lock.
 */
final class DeviceMemory {

    private long weightBytes;
    private int weights;
    private long bufferBytes;
    private int buffers;
    private long peakBytes;

    void addWeight(long bytes) {
        weightBytes += bytes;
        weights++;
        peakBytes = Math.max(peakBytes, allocatedBytes());
    }

    void addBuffer(long bytes) {
        bufferBytes += bytes;
        buffers++;
        peakBytes = Math.max(peakBytes, allocatedBytes());
    }

    void removeBuffer(long bytes) {
        if (bytes > bufferBytes || buffers == 0) {
            throw new IllegalStateException("free of " + bytes + " bytes (expected: at most the " + bufferBytes
                    + " bytes in " + buffers + " live buffers)");
        }
        bufferBytes -= bytes;
        buffers--;
    }

    long allocatedBytes() {
        return weightBytes + bufferBytes;
    }

    long weightBytes() {
        return weightBytes;
    }

    long bufferBytes() {
        return bufferBytes;
    }

    long peakBytes() {
        return peakBytes;
    }

    /** One line, e.g. {@code weights 1.21 GiB in 147 tensors, buffers 64.0 MiB in 30, peak 1.27 GiB}. */
    String summary() {
        return "weights " + bytes(weightBytes) + " in " + weights + " tensors, buffers " + bytes(bufferBytes)
                + " in " + buffers + ", peak " + bytes(peakBytes);
    }

    /**
     * The error for an allocation of {@code bytes} for {@code what} that the device cannot satisfy, naming the
     * size asked, the free and total memory and what this backend already holds.
     */
    OutOfDeviceMemoryException outOfMemory(String what, long bytes, String device, long freeBytes, long totalBytes) {
        return new OutOfDeviceMemoryException(String.format(Locale.ROOT,
                "%s: %s needed, %s free of %s on %s; this backend already holds %s (expected: the model's weights "
                        + "and KV caches to fit in device memory: use a smaller or more quantized model, a shorter "
                        + "context, fewer sessions, or the CPU backend)",
                what, bytes(bytes), bytes(freeBytes), bytes(totalBytes), device, summary()));
    }

    /** {@code bytes} with a binary unit, e.g. {@code 1.50 GiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }
}
