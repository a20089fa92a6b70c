package dev.specula.router;

import dev.specula.router.acceptance.AcceptanceTracker;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.http.OpenAiHttpServer;
import dev.specula.rpc.ChannelPool;
import dev.specula.router.language.LanguageIdentifier;
import dev.specula.router.routing.ReplicaHealth;
import dev.specula.rpc.Channels;
import dev.specula.rpc.GrpcServer;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.security.BearerAuthInterceptor;
import dev.specula.rpc.security.BearerTokens;
import dev.specula.rpc.security.ClientIdentity;
import dev.specula.rpc.security.ClientLimits;
import dev.specula.rpc.security.TlsCredentials;
import dev.specula.telemetry.Telemetry;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The router process's server: the GenerationService, with health and reflection, and when configured the
 * OpenAI-compatible HTTP API, which calls the same service in process. The language detector is
 * built (its models loaded) in the constructor, so the first request is as fast as any other. Channels to
 * verifiers are opened on first use and reused.
 */
public final class RouterServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RouterServer.class.getName());

    private final GrpcServer server;
    private final ChannelPool channels;
    private final ReplicaHealth replicaHealth;
    private final GenerationServiceImpl service;
    // The HTTP API and the in-process link to the service it calls; all null without config.http().
    private final Server inProcessServer;
    private final ManagedChannel inProcessChannel;
    private final OpenAiHttpServer http;
    private final Telemetry telemetry;
    private final TlsCredentials tls; // null: plaintext

    /**
     * A router whose verifier channels are plaintext ({@link dev.specula.rpc.Channels#plaintext(String)}).
     *
     * @param config  the configuration
     * @param builder the transport: {@link #netty(int)} or an in-process builder
     */
    public RouterServer(RouterConfig config, ServerBuilder<?> builder) {
        this(config, builder, new ChannelPool(), Telemetry.start("router", Telemetry.hostName(), config.telemetry()));
    }

    /**
     * A router that opens verifier channels with {@code channelFactory} (tests pass in-process channels).
     */
    public RouterServer(RouterConfig config, ServerBuilder<?> builder, Function<String, ManagedChannel> channelFactory) {
        this(config, builder, channelFactory, Telemetry.start("router", Telemetry.hostName(), config.telemetry()));
    }

    /**
     * As {@link #RouterServer(RouterConfig, ServerBuilder, Function)}, recording into {@code telemetry} (tests
     * pass in-memory exporters), which the server closes with itself.
     */
    public RouterServer(RouterConfig config, ServerBuilder<?> builder, Function<String, ManagedChannel> channelFactory,
                        Telemetry telemetry) {
        this(config, builder, new ChannelPool(channelFactory), null, telemetry);
    }

    private RouterServer(RouterConfig config, ServerBuilder<?> builder, ChannelPool channels, Telemetry telemetry) {
        this(config, builder, channels, null, telemetry);
    }

    private RouterServer(RouterConfig config, ServerBuilder<?> builder, ChannelPool channels, TlsCredentials tls,
                         Telemetry telemetry) {
        this.tls = tls;
        this.channels = channels;
        this.telemetry = telemetry;
        LanguageIdentifier languages = new LanguageIdentifier(config.detectLanguages(), config.fallbackLanguage(),
                config.lowAccuracyDetection());
        AcceptanceTracker tracker = new AcceptanceTracker(config.explorationRate(), config.explorationSeed(),
                config.initialDraftLength(), config.maxDraftLength());
        this.replicaHealth = new ReplicaHealth(config.replicaHealth(), channels::get);
        this.service = new GenerationServiceImpl(config, languages, tracker, channels, replicaHealth, telemetry);
        // One of each for both APIs: a token file read once, and limits that count a client's gRPC and HTTP calls together.
        BearerTokens tokens = config.auth() == null ? null : BearerTokens.load(config.auth().tokensFile());
        ClientLimits limits = config.limits().enabled() ? new ClientLimits(config.limits()) : null;
        // The telemetry interceptors wrap the whole server: calls refused by the guards are counted too.
        this.server = new GrpcServer("router", telemetry.instrument(builder), guarded(service, tokens, limits));
        if (config.http() == null) {
            this.inProcessServer = null;
            this.inProcessChannel = null;
            this.http = null;
        } else {
            // The HTTP API checks tokens itself and forwards the client's name, which only this link believes.
            List<ServerInterceptor> guards = new ArrayList<>();
            if (limits != null) {
                guards.add(limits);
            }
            guards.add(ClientIdentity.trustForwarded()); // the interceptor added last runs first
            String name = InProcessServerBuilder.generateName();
            this.inProcessServer = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(ServerInterceptors.intercept(service, guards)).build();
            this.inProcessChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
            this.http = new OpenAiHttpServer(config, inProcessChannel, channels, tokens, tls);
        }
    }

    /**
     * A router listening on {@code address} over Netty; with {@code config.tls()} its gRPC port serves TLS
     * (client certificates as {@code clientAuth} says; messages up to ProtocolLimits.MAX_PUBLIC_MESSAGE_BYTES)
     * and its verifier channels use TLS with the same files, and so does its HTTP API (HTTPS) when configured.
     */
    public static RouterServer onAddress(RouterConfig config, InetSocketAddress address) {
        TlsCredentials tls = TlsCredentials.open(config.tls());
        try {
            ChannelCredentials outgoing = TlsCredentials.channelCredentials(tls);
            return new RouterServer(config, GrpcServer.netty(address, TlsCredentials.serverCredentials(tls),
                    ProtocolLimits.MAX_PUBLIC_MESSAGE_BYTES),
                    new ChannelPool(target -> Channels.open(target, outgoing)), tls,
                    Telemetry.start("router", Telemetry.hostName(), config.telemetry()));
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    /** A Netty server builder on {@code port} (0 picks a free one), for the router process. */
    public static ServerBuilder<?> netty(int port) {
        return GrpcServer.netty(port);
    }

    /**
     * The public service behind its guards: the bearer token first (when {@code auth} is configured), then the
     * per-client limits (when any is on). Health and reflection are added beside it by GrpcServer, unguarded, for
     * probes.
     */
    private static BindableService guarded(GenerationServiceImpl service, BearerTokens tokens, ClientLimits limits) {
        List<ServerInterceptor> guards = new ArrayList<>();
        if (limits != null) {
            guards.add(limits);
        }
        if (tokens != null) {
            guards.add(new BearerAuthInterceptor(tokens));
        }
        // The interceptor added last runs first.
        return () -> ServerInterceptors.intercept(service, guards);
    }

    /** Starts serving. */
    public RouterServer start() throws IOException {
        server.start();
        LOG.info(() -> "router listening on port " + server.port());
        if (http != null) {
            inProcessServer.start();
            http.start();
        }
        return this;
    }

    /** The HTTP API's port, or -1 when it has none. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The port it listens on (-1 in-process). */
    public int port() {
        return server.port();
    }

    /** The acceptance tracker, for inspection. */
    public AcceptanceTracker tracker() {
        return service.tracker();
    }

    /** Which verifier replicas are ejected, for inspection. */
    public ReplicaHealth replicaHealth() {
        return replicaHealth;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Graceful shutdown: running generations get {@code graceMillis} to finish; then the channels close. */
    public void shutdown(long graceMillis) {
        if (http != null) {
            http.close();
            inProcessChannel.shutdownNow();
            inProcessServer.shutdownNow();
        }
        server.shutdown(graceMillis);
        replicaHealth.close();
        channels.close();
        if (tls != null) {
            tls.close();
        }
        telemetry.close();
    }

    @Override
    public void close() {
        shutdown(5_000);
    }
}
