package dev.specula.router;

import dev.specula.router.acceptance.AcceptanceTracker;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.http.OpenAiHttpServer;
import dev.specula.rpc.ChannelPool;
import dev.specula.router.language.LanguageIdentifier;
import dev.specula.rpc.GrpcServer;
import dev.specula.telemetry.Telemetry;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
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
    private final GenerationServiceImpl service;
    // The HTTP API and the in-process link to the service it calls; all null without config.http().
    private final Server inProcessServer;
    private final ManagedChannel inProcessChannel;
    private final OpenAiHttpServer http;
    private final Telemetry telemetry;

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
        this(config, builder, new ChannelPool(channelFactory), telemetry);
    }

    private RouterServer(RouterConfig config, ServerBuilder<?> builder, ChannelPool channels, Telemetry telemetry) {
        this.channels = channels;
        this.telemetry = telemetry;
        LanguageIdentifier languages = new LanguageIdentifier(config.detectLanguages(), config.fallbackLanguage(),
                config.lowAccuracyDetection());
        AcceptanceTracker tracker = new AcceptanceTracker(config.explorationRate(), config.explorationSeed(),
                config.initialDraftLength(), config.maxDraftLength());
        this.service = new GenerationServiceImpl(config, languages, tracker, channels, telemetry);
        this.server = new GrpcServer("router", telemetry.instrument(builder), service);
        if (config.http() == null) {
            this.inProcessServer = null;
            this.inProcessChannel = null;
            this.http = null;
        } else {
            String name = InProcessServerBuilder.generateName();
            this.inProcessServer = InProcessServerBuilder.forName(name).directExecutor().addService(service).build();
            this.inProcessChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
            this.http = new OpenAiHttpServer(config, inProcessChannel, channels);
        }
    }

    /** A Netty server builder on {@code port} (0 picks a free one), for the router process. */
    public static ServerBuilder<?> netty(int port) {
        return GrpcServer.netty(port);
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
        channels.close();
        telemetry.close();
    }

    @Override
    public void close() {
        shutdown(5_000);
    }
}
