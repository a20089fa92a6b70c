package dev.specula.rpc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.concurrent.TimeUnit;

/** Client channels between Specula services. */
public final class Channels {

    private Channels() {
    }

    /**
     * A plaintext channel to {@code target} ("host:port" or any gRPC target string, such as
     * "dns:///drafter-de:50053" for client-side load balancing over a Kubernetes headless service).
     */
    public static ManagedChannel plaintext(String target) {
        return open(target, InsecureChannelCredentials.create());
    }

    /**
     * A channel to {@code target} with {@code credentials}: TLS (and a client certificate) from
     * {@link dev.specula.rpc.security.TlsCredentials#channelCredentials()}, or plaintext. Round-robin over every
     * address the target resolves to; messages up to {@link ProtocolLimits#MAX_INTERNAL_MESSAGE_BYTES}.
     */
    public static ManagedChannel open(String target, ChannelCredentials credentials) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target: empty (expected: host:port)");
        }
        return Grpc.newChannelBuilder(target, credentials)
                .defaultLoadBalancingPolicy("round_robin")
                .maxInboundMessageSize(ProtocolLimits.MAX_INTERNAL_MESSAGE_BYTES)
                .build();
    }

    /** Shuts a channel down, waiting briefly for calls in flight. */
    public static void close(ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
