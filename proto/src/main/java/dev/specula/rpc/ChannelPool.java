package dev.specula.rpc;

import io.grpc.ManagedChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One channel per target, opened on first use and reused by every later call (a channel multiplexes calls and
 * reconnects by itself), closed with the pool. Thread-safe.
 */
public final class ChannelPool implements AutoCloseable {

    private final Function<String, ManagedChannel> factory;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Plaintext channels through {@link Channels#plaintext(String)}. */
    public ChannelPool() {
        this(Channels::plaintext);
    }

    /** @param factory opens a channel to a target (tests pass in-process channels) */
    public ChannelPool(Function<String, ManagedChannel> factory) {
        this.factory = factory;
    }

    /** The channel to {@code target}. */
    public ManagedChannel get(String target) {
        if (closed) {
            throw new IllegalStateException("channel pool closed");
        }
        return channels.computeIfAbsent(target, factory);
    }

    /** Channels opened so far. */
    public int size() {
        return channels.size();
    }

    /** Shuts every channel down; later {@link #get} calls fail. */
    @Override
    public void close() {
        closed = true;
        channels.values().forEach(Channels::close);
        channels.clear();
    }
}
