package dev.specula.verifier;

import com.google.protobuf.ByteString;
import dev.specula.engine.batch.ForwardBatcher;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.proto.v1.DescribeModelResponse;
import dev.specula.rpc.Channels;
import dev.specula.rpc.GrpcServer;
import dev.specula.rpc.security.TlsCredentials;
import io.grpc.ChannelCredentials;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.rpc.ServerHealth;
import dev.specula.verifier.draftlength.ForwardTimings;
import dev.specula.verifier.drafter.DrafterPool;
import dev.specula.telemetry.Telemetry;
import dev.specula.verifier.session.SessionResources;
import dev.specula.verifier.session.VerifierMetrics;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A verifier process: loads the target model once, runs every session's forward passes through one
 * {@link ForwardBatcher}, and serves {@link VerifierServiceImpl} (with health and reflection) on the given
 * transport. Closing it stops the sessions, then the server, the drafter channels, the batcher and the model.
 */
public final class VerifierServer implements AutoCloseable {

    static {
        // The protocol's longest block must verify in one pass: its rows form one segment of the engine's pass.
        if (ProtocolLimits.maxVerificationRows() > BatchedForward.MAX_SEGMENT_TOKENS) {
            throw new AssertionError("ProtocolLimits.maxVerificationRows() " + ProtocolLimits.maxVerificationRows()
                    + " (expected: <= BatchedForward.MAX_SEGMENT_TOKENS " + BatchedForward.MAX_SEGMENT_TOKENS + ")");
        }
    }

    private static final Logger LOG = Logger.getLogger(VerifierServer.class.getName());

    private final VerifierConfig config;
    private final ModelFile file;
    private final Transformer model;
    private final ForwardBatcher batcher;
    private final ForwardTimings timings;
    private final DrafterPool drafters;
    private final VerifierServiceImpl service;
    private final GrpcServer server;
    private final Telemetry telemetry;
    // Not ready until started; NOT_SERVING once a forward pass fails or shutdown begins.
    private final ServerHealth health = new ServerHealth();
    private final TlsCredentials tls; // null: plaintext

    /** A verifier on {@code builder} whose drafter channels are plaintext ({@code Channels.plaintext}). */
    public VerifierServer(VerifierConfig config, ServerBuilder<?> builder) {
        this(config, builder, new DrafterPool(), Telemetry.start("verifier", config.id(), config.telemetry()));
    }

    /**
     * A verifier on {@code builder} that reaches drafters through {@code drafterChannels} (tests pass
     * in-process channels) with the circuit breaker configuration {@code breaker}.
     */
    public VerifierServer(VerifierConfig config, ServerBuilder<?> builder,
                          Function<String, ManagedChannel> drafterChannels, CircuitBreakerConfig breaker) {
        this(config, builder, new DrafterPool(drafterChannels, breaker),
                Telemetry.start("verifier", config.id(), config.telemetry()));
    }

    /**
     * As {@link #VerifierServer(VerifierConfig, ServerBuilder, Function, CircuitBreakerConfig)}, recording into
     * {@code telemetry} (tests pass in-memory exporters), which the server closes with itself.
     */
    public VerifierServer(VerifierConfig config, ServerBuilder<?> builder,
                          Function<String, ManagedChannel> drafterChannels, CircuitBreakerConfig breaker,
                          Telemetry telemetry) {
        this(config, builder, new DrafterPool(drafterChannels, breaker), null, telemetry);
    }

    private VerifierServer(VerifierConfig config, ServerBuilder<?> builder, DrafterPool drafters, Telemetry telemetry) {
        this(config, builder, drafters, null, telemetry);
    }

    private VerifierServer(VerifierConfig config, ServerBuilder<?> builder, DrafterPool drafters, TlsCredentials tls,
                           Telemetry telemetry) {
        this.config = config;
        this.tls = tls;
        this.drafters = drafters;
        this.telemetry = telemetry;
        try {
            this.file = ModelFile.open(config.model(), config.tokenizer());
        } catch (IOException e) {
            telemetry.close();
            throw new UncheckedIOException("model: " + config.model() + ": " + e.getMessage(), e);
        }
        try {
            this.model = file.load(Backends.create(config.backend()));
        } catch (RuntimeException e) {
            file.close();
            telemetry.close();
            throw e;
        }
        // The gauges read the service and the batcher when collected, after both exist.
        VerifierMetrics metrics = new VerifierMetrics(telemetry.meter(), this::activeSessions, this::queuedForwards,
                this::cachedTokens, this::queuedSessions, drafters.breakers());
        this.batcher = new ForwardBatcher(model, "verifier-batcher", metrics::batch);
        this.timings = new ForwardTimings(ProtocolLimits.maxVerificationRows(), config.maxSessions());
        warmUp(timings);
        SessionResources resources = new SessionResources(config.id(), config.modelName(), model,
                file.tokenizer(), VocabularyFingerprint.of(file.tokenizer()),
                ByteString.copyFrom(VocabularyFingerprint.tokenDigests(file.tokenizer())), batcher, drafters, timings,
                config.blockDeadlineMs(), config.drafterOpenTimeoutMs(), health, telemetry, metrics);
        this.service = new VerifierServiceImpl(resources, config.maxSessions(), config.maxQueuedSessions(),
                config.maxQueueWaitMs(), config.defaultMaxTokens(), describe(config.modelName(), file));
        this.server = new GrpcServer("verifier", telemetry.instrument(builder), health, service);
    }

    /** A verifier listening on {@code config.port()} over Netty, with {@code config.tls()}. */
    public static VerifierServer onPort(VerifierConfig config) {
        return onAddress(config, new InetSocketAddress(config.port()));
    }

    /**
     * A verifier listening on {@code address} over Netty; with {@code config.tls()} its port serves TLS (client
     * certificates as {@code clientAuth} says) and its drafter channels use TLS with the same files.
     */
    public static VerifierServer onAddress(VerifierConfig config, InetSocketAddress address) {
        TlsCredentials tls = TlsCredentials.open(config.tls());
        try {
            ChannelCredentials outgoing = TlsCredentials.channelCredentials(tls);
            return new VerifierServer(config, GrpcServer.netty(address, TlsCredentials.serverCredentials(tls),
                    ProtocolLimits.MAX_INTERNAL_MESSAGE_BYTES),
                    new DrafterPool(target -> Channels.open(target, outgoing), DrafterPool.DEFAULT_BREAKER), tls,
                    Telemetry.start("verifier", config.id(), config.telemetry()));
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    /** Starts serving. */
    public VerifierServer start() throws IOException {
        server.start();
        LOG.info("verifier " + config.id() + " serving " + config.modelName() + " (" + config.model().getFileName()
                + ", context " + model.config().contextLength() + ", backend " + config.backend() + ") on port "
                + server.port() + ", at most " + config.maxSessions() + " sessions (" + config.maxQueuedSessions()
                + " more may wait up to " + config.maxQueueWaitMs() + " ms)");
        return this;
    }

    /** What DescribeModel answers: the model's name, context, special tokens and the chat template it carries. */
    private static DescribeModelResponse describe(String modelName, ModelFile file) {
        Tokenizer tokenizer = file.tokenizer();
        DescribeModelResponse.Builder description = DescribeModelResponse.newBuilder()
                .setModelName(modelName)
                .setContextLength(file.config().contextLength())
                .setBosToken(tokenizer.piece(tokenizer.bosId()))
                .setEosToken(tokenizer.piece(tokenizer.eosId()));
        file.chatTemplate().ifPresent(description::setChatTemplate);
        return description.build();
    }

    /** The port it listens on (-1 in process). */
    public int port() {
        return server.port();
    }

    /** Sessions open now. */
    public int activeSessions() {
        return service.activeSessions();
    }

    private int queuedForwards() {
        return batcher.queued();
    }

    private long cachedTokens() {
        return service.cachedTokens();
    }

    /** The batcher every session's passes go through, for its pass counts. */
    public ForwardBatcher batcher() {
        return batcher;
    }

    /** The measured forward-pass times the draft-length policy decides from. */
    public ForwardTimings timings() {
        return timings;
    }

    /** The drafter channels and breakers. */
    public DrafterPool drafters() {
        return drafters;
    }

    /** Blocks until the server has terminated. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Sessions waiting in the admission queue now. */
    public int queuedSessions() {
        return service.queuedSessions();
    }

    /** What its health service answers. */
    public ServerHealth health() {
        return health;
    }

    /**
     * Graceful: reports not ready, stops the sessions, the server, then the drafter channels, the batcher and the
     * model.
     */
    @Override
    public void close() {
        health.draining();
        service.shutdown(5_000);
        server.shutdown(2_000);
        drafters.close();
        batcher.close();
        model.backend().close();
        file.close();
        if (tls != null) {
            tls.close();
        }
        telemetry.close();
    }

    /**
     * Seeds the forward timings with a plain step and a 9-position pass, so the draft-length policy can compare
     * speculation with plain decoding from a session's first steps.
     */
    private void warmUp(ForwardTimings timings) {
        int context = model.config().contextLength();
        if (context < 10) {
            return;
        }
        int token = file.tokenizer().bosId();
        try (InferenceSession s = model.newSession(10)) {
            for (int round = 0; round < 3; round++) {
                for (int n : new int[] {1, 9}) {
                    s.truncate(0);
                    int[] tokens = new int[n];
                    Arrays.fill(tokens, token);
                    long t0 = System.nanoTime();
                    batcher.submit(s, tokens, true).join();
                    timings.record(1, n, (System.nanoTime() - t0) / 1e6);
                }
            }
        }
    }
}
