package dev.specula.drafter;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.rpc.GrpcServer;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.ServerHealth;
import dev.specula.rpc.security.TlsCredentials;
import dev.specula.telemetry.Telemetry;
import io.grpc.ServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A drafter process: loads every configured draft model on one backend, starts a batcher per model, and
 * serves {@link DrafterServiceImpl} (with health and reflection) on the given transport.
 */
public final class DrafterServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DrafterServer.class.getName());
    private static final long SHUTDOWN_GRACE_MILLIS = 2_000;

    private final DrafterConfig config;
    private final Backend backend;
    private final List<DrafterModel> models;
    private final DrafterServiceImpl service;
    private final GrpcServer server;
    private final Telemetry telemetry;
    // Not ready until started; NOT_SERVING once a forward pass fails or shutdown begins.
    private final ServerHealth health = new ServerHealth();
    private boolean closed;
    private TlsCredentials tls; // null: plaintext

    /**
     * Loads the models and builds the server; {@link #start()} starts serving.
     *
     * @param config  what to serve
     * @param builder the transport: {@code NettyServerBuilder.forPort(p)}, or an in-process builder in tests
     * @throws IOException when a model file cannot be read (the exception names it)
     */
    public DrafterServer(DrafterConfig config, ServerBuilder<?> builder) throws IOException {
        this(config, builder, Telemetry.start("drafter", Telemetry.hostName(), config.telemetry()));
    }

    /**
     * As {@link #DrafterServer(DrafterConfig, ServerBuilder)}, recording into {@code telemetry} (tests pass
     * in-memory exporters), which the server closes with itself.
     */
    public DrafterServer(DrafterConfig config, ServerBuilder<?> builder, Telemetry telemetry) throws IOException {
        this.config = config;
        this.telemetry = telemetry;
        this.backend = Backends.create(config.backend());
        List<DrafterModel> loaded = new ArrayList<>();
        try {
            for (DrafterConfig.ModelSpec spec : config.models()) {
                loaded.add(DrafterModel.load(spec, backend));
            }
        } catch (IOException | RuntimeException e) {
            loaded.forEach(DrafterModel::close);
            backend.close();
            telemetry.close();
            throw e;
        }
        this.models = List.copyOf(loaded);
        this.service = new DrafterServiceImpl(models, config.maxSessions(), config.minConfidence(), health, telemetry);
        this.server = new GrpcServer("drafter", telemetry.instrument(builder), health, service);
    }

    /** A server on a Netty transport listening on {@link DrafterConfig#port()}, with {@code config.tls()}. */
    public static DrafterServer create(DrafterConfig config) throws IOException {
        return onAddress(config, new InetSocketAddress(config.port()));
    }

    /** A server on a Netty transport listening on {@code address}; with {@code config.tls()} it serves TLS. */
    public static DrafterServer onAddress(DrafterConfig config, InetSocketAddress address) throws IOException {
        TlsCredentials tls = TlsCredentials.open(config.tls());
        try {
            DrafterServer server = new DrafterServer(config, GrpcServer.netty(address,
                    TlsCredentials.serverCredentials(tls), ProtocolLimits.MAX_INTERNAL_MESSAGE_BYTES));
            server.tls = tls;
            return server;
        } catch (IOException | RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    /** Starts serving and logs what is served. */
    public DrafterServer start() throws IOException {
        server.start();
        LOG.info(() -> "drafter serving on port " + server.port() + ": " + models.stream()
                .map(m -> m.id() + " (" + m.file().path().getFileName() + ", languages " + orAny(m.spec().languages())
                        + ", domains " + orAny(m.spec().domains()) + ", context " + m.contextLength() + ", vocabulary "
                        + m.fingerprint() + ")")
                .collect(Collectors.joining(", ")) + "; backend " + backend.name() + ", max sessions "
                + config.maxSessions() + ", min confidence " + config.minConfidence());
        return this;
    }

    /** The port it listens on; -1 on an in-process transport. */
    public int port() {
        return server.port();
    }

    /** The configuration it runs. */
    public DrafterConfig config() {
        return config;
    }

    /** The Propose service, with its counters (for tests). */
    DrafterServiceImpl service() {
        return service;
    }

    /** The loaded models, in configuration order. */
    List<DrafterModel> models() {
        return models;
    }

    /** What its health service answers. */
    public ServerHealth health() {
        return health;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Graceful shutdown: ends every session (their streams fail with UNAVAILABLE, so verifiers go on
     * without this drafter) and frees their KV caches, stops the server, then the batchers, models and backend.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        health.draining();
        try {
            service.close();
            server.shutdown(SHUTDOWN_GRACE_MILLIS);
        } finally {
            models.forEach(DrafterModel::close);
            backend.close();
            if (tls != null) {
                tls.close();
            }
            telemetry.close();
        }
    }

    private static String orAny(List<String> values) {
        return values.isEmpty() ? "any" : String.join("/", values);
    }
}
