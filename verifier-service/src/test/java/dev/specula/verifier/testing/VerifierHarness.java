package dev.specula.verifier.testing;

import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.OpenSessionResponse;
import dev.specula.proto.v1.VerifierServiceGrpc;
import dev.specula.verifier.VerifierConfig;
import dev.specula.verifier.VerifierServer;
import dev.specula.verifier.draftlength.ForwardTimings;
import dev.specula.rpc.ProtocolLimits;
import dev.specula.verifier.drafter.DrafterPool;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A verifier on the in-process transport, with test drafters registered under in-process names that serve as
 * their targets.
 */
public final class VerifierHarness implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final VerifierServer verifier;
    private final ManagedChannel channel;
    private final List<Server> drafters = new ArrayList<>();

    /** Starts a verifier with {@code config} and the default circuit breaker. */
    public VerifierHarness(VerifierConfig config) {
        this(config, DrafterPool.DEFAULT_BREAKER);
    }

    /** Starts a verifier with {@code config} and the circuit breaker configuration {@code breaker}. */
    public VerifierHarness(VerifierConfig config, CircuitBreakerConfig breaker) {
        String name = "verifier-" + NAMES.incrementAndGet();
        verifier = new VerifierServer(config, InProcessServerBuilder.forName(name).directExecutor(),
                target -> InProcessChannelBuilder.forName(target).directExecutor().build(), breaker);
        try {
            verifier.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** Serves {@code drafter} in process; returns the target name to put in requests. */
    public String addDrafter(BindableService drafter) {
        String name = "drafter-" + NAMES.incrementAndGet();
        try {
            drafters.add(InProcessServerBuilder.forName(name).directExecutor().addService(drafter).build().start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return name;
    }

    /** The verifier under test. */
    public VerifierServer verifier() {
        return verifier;
    }

    /**
     * Sets the verifier's measured costs so that verifying k drafts costs {@code factor} plain steps at every load
     * up to 8, whatever k: 1 pictures a memory-bound target (speculation pays when drafts are accepted), a large
     * factor one where verification never pays. Sessions' own measurements move the averages again.
     */
    public void priceVerification(double factor) {
        ForwardTimings timings = verifier.timings();
        double plain = timings.millis(1, 1);
        for (int load = 1; load <= 8; load++) {
            for (int rep = 0; rep < 50; rep++) {
                timings.record(load, 1, plain);
                for (int tokens = 2; tokens <= ProtocolLimits.maxVerificationRows(); tokens++) {
                    timings.record(load, tokens, plain * factor);
                }
            }
        }
    }

    /** A stub on the verifier. */
    public VerifierServiceGrpc.VerifierServiceBlockingStub stub() {
        return VerifierServiceGrpc.newBlockingStub(channel);
    }

    /** A non-blocking stub on the verifier. */
    public VerifierServiceGrpc.VerifierServiceStub asyncStub() {
        return VerifierServiceGrpc.newStub(channel);
    }

    /** Runs a session to its end; a failed call throws its StatusRuntimeException. */
    public SessionResult run(OpenSessionRequest request) {
        Iterator<OpenSessionResponse> it = stub().openSession(request);
        List<dev.specula.proto.v1.CommittedTokens> steps = new ArrayList<>();
        dev.specula.proto.v1.GenerationSummary summary = null;
        while (it.hasNext()) {
            OpenSessionResponse r = it.next();
            if (r.hasCommitted()) {
                if (summary != null) {
                    throw new AssertionError("committed tokens after the summary");
                }
                steps.add(r.getCommitted());
            } else {
                if (summary != null) {
                    throw new AssertionError("two summaries");
                }
                summary = r.getSummary();
            }
        }
        if (summary == null) {
            throw new AssertionError("no summary");
        }
        return new SessionResult(steps, summary);
    }

    /** Waits up to {@code millis} for the verifier's session count to reach 0; returns it. */
    public int awaitIdle(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (verifier.activeSessions() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        return verifier.activeSessions();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        verifier.close();
        drafters.forEach(Server::shutdownNow);
    }
}
