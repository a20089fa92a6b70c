package dev.specula.rpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

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
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target: empty (expected: host:port)");
        }
        return ManagedChannelBuilder.forTarget(target)
                .usePlaintext()
                .defaultLoadBalancingPolicy("round_robin")
                .maxInboundMessageSize(16 * 1024 * 1024)
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
