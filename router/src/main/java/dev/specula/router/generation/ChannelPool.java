package dev.specula.router.generation;

import dev.specula.rpc.Channels;
import io.grpc.ManagedChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One channel per target, opened on first use and reused by every later request (a channel multiplexes
 * calls and reconnects by itself), closed with the pool.
 */
public final class ChannelPool implements AutoCloseable {

    private final Function<String, ManagedChannel> factory;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

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
        return channels.computeIfAbsent(target, factory);
    }

    @Override
    public void close() {
        channels.values().forEach(Channels::close);
        channels.clear();
    }
}
