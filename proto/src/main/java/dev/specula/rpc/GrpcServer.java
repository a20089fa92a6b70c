package dev.specula.rpc;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server for one Specula role, with the standard health service (liveness under "", readiness under
 * {@value ServerHealth#READINESS} and every service's name: see {@link ServerHealth}) and server reflection.
 * Every service, these included, answers a request that does not parse with INVALID_ARGUMENT
 * ({@link UnparseableRequests}). It takes a {@link ServerBuilder} so tests can pass an in-process one.
 */
public final class GrpcServer implements AutoCloseable {

    private final Server server;
    private final ServerHealth health;
    private final String role;

    /**
     * A server whose health only the server itself changes (started, draining).
     *
     * @param role     what this server is ("router", "verifier"), for logs
     * @param builder  the transport: {@code NettyServerBuilder.forPort(p)} or an in-process builder
     * @param services the role's services
     */
    public GrpcServer(String role, ServerBuilder<?> builder, BindableService... services) {
        this(role, builder, new ServerHealth(), services);
    }

    /**
     * A server reporting {@code health}, which the role's services also change (a backend failure).
     *
     * @param health what the health service answers
     */
    public GrpcServer(String role, ServerBuilder<?> builder, ServerHealth health, BindableService... services) {
        this.role = role;
        this.health = health;
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            health.register(definition.getServiceDescriptor().getName());
            builder.addService(UnparseableRequests.guard(definition));
        }
        builder.addService(UnparseableRequests.guard(health.service().bindService()));
        builder.addService(UnparseableRequests.guard(ProtoReflectionServiceV1.newInstance().bindService()));
        this.server = builder.build();
    }

    /**
     * How long a client connection lives before the server asks the client to reconnect (calls in flight
     * finish on it first). Reconnecting makes a client's "dns:///" channel resolve its name again, so replicas
     * that were added or restarted behind a headless Service are taken into rotation within this time.
     */
    public static final long MAX_CONNECTION_AGE_SECONDS = 30;

    /**
     * The plaintext TCP transport between services: Netty on {@code port}, connections renewed as described
     * above, messages up to {@link ProtocolLimits#MAX_INTERNAL_MESSAGE_BYTES}.
     */
    public static ServerBuilder<?> netty(int port) {
        return netty(new InetSocketAddress(port), InsecureServerCredentials.create(),
                ProtocolLimits.MAX_INTERNAL_MESSAGE_BYTES);
    }

    /**
     * The TCP transport of every service: Netty on {@code address} with {@code credentials} (TLS from
     * {@link dev.specula.rpc.security.TlsCredentials}, or plaintext), connections renewed as described above; a
     * message over {@code maxMessageBytes} fails its call with RESOURCE_EXHAUSTED.
     */
    public static ServerBuilder<?> netty(InetSocketAddress address, ServerCredentials credentials, int maxMessageBytes) {
        return NettyServerBuilder.forAddress(address, credentials)
                .maxConnectionAge(MAX_CONNECTION_AGE_SECONDS, TimeUnit.SECONDS)
                .maxInboundMessageSize(maxMessageBytes);
    }

    /** Starts serving and reports ready (the role has loaded its models before). */
    public GrpcServer start() throws IOException {
        server.start();
        health.started();
        return this;
    }

    /** What the health service answers. */
    public ServerHealth health() {
        return health;
    }

    /** The port it listens on (-1 for in-process servers). */
    public int port() {
        return server.getPort();
    }

    /** What this server is, for logs. */
    public String role() {
        return role;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Graceful shutdown: reports not ready (liveness stays SERVING while calls finish), stops taking new calls,
     * lets running calls finish for up to {@code graceMillis}, then cancels what is left.
     */
    public void shutdown(long graceMillis) {
        health.draining();
        server.shutdown();
        try {
            if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        health.terminate();
    }

    @Override
    public void close() {
        shutdown(5_000);
    }
}
