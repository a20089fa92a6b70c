package dev.specula.engine.model;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;

/**
 * The keys and values of every position a session has processed, per layer, in backend memory. Truncating
 * rolls the session back to an earlier position (after a rejected draft) without touching memory: later
 * positions are simply overwritten.
 */
public final class KvCache implements AutoCloseable {

    private final Backend backend;
    private final DeviceBuffer[] keys;   // per layer: [capacity, kvDim]
    private final DeviceBuffer[] values; // per layer: [capacity, kvDim]
    private final int capacity;
    private int length;
    private boolean closed;

    KvCache(Backend backend, int layers, int capacity, int kvDim) {
        this.backend = backend;
        this.capacity = capacity;
        this.keys = new DeviceBuffer[layers];
        this.values = new DeviceBuffer[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = backend.allocate(capacity, kvDim);
            values[l] = backend.allocate(capacity, kvDim);
        }
    }

    /** Positions held. */
    public int length() {
        return length;
    }

    /** Positions this cache can hold. */
    public int capacity() {
        return capacity;
    }

    /** Forgets every position from {@code newLength} on. */
    public void truncate(int newLength) {
        checkOpen();
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " (expected: in [0, " + length + "])");
        }
        length = newLength;
    }

    /** Checks that the cache is open and has room for {@code tokens} more positions. */
    void checkRoom(int tokens) {
        checkOpen();
        if (length + tokens > capacity) {
            throw new IllegalArgumentException("tokens: " + tokens + " at position " + length + " (expected: at most "
                    + (capacity - length) + " to fit the context of " + capacity + ")");
        }
    }

    DeviceBuffer keys(int layer) {
        return keys[layer];
    }

    DeviceBuffer values(int layer) {
        return values[layer];
    }

    /** Records that {@code count} more positions were written. */
    void advance(int count) {
        if (length + count > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + count + " positions (capacity " + capacity + ")");
        }
        length += count;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("KV cache is closed");
        }
    }

    /** Frees the backend memory. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (int l = 0; l < keys.length; l++) {
                backend.free(keys[l]);
                backend.free(values[l]);
            }
        }
    }
}
