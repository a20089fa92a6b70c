package dev.specula.e2e;

import dev.specula.e2e.HostileCalls.StalledCall;
import dev.specula.e2e.HostileCase.Outcome;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.rpc.Channels;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The cases that need more than one request, or a connection of their own: bearer tokens, TLS handshakes and
 * per-client limits on the secured mesh; a full verifier, a client that cancels mid-stream and one that never reads
 * on the open mesh (whose verifier serves one session at a time).
 */
final class HostileLoadCases {

    /** Long enough to hold a session while other requests arrive: most of the 512-token context. */
    private static final int LONG_TOKENS = 480;
    /** What a stalled client asks for: far more bytes than its 64-byte window, and quickly generated. */
    private static final int STALL_TOKENS = 32;

    private HostileLoadCases() {
    }

    static List<HostileCase> cases(HostileMeshes meshes) throws IOException {
        List<HostileCase> cases = new ArrayList<>();
        security(meshes, cases);
        resources(meshes, cases);
        return cases;
    }

    private static void security(HostileMeshes m, List<HostileCase> cases) throws IOException {
        GenerateRequest good = HostileFieldCases.good();
        cases.add(new HostileCase("right token and client certificate", "grpc", "OK", "tokens=4",
                () -> HostileCalls.generate(m.securedChannel, good, "Bearer " + m.mainToken)));
        String refused = "missing or invalid bearer token";
        cases.add(new HostileCase("no token", "grpc", "UNAUTHENTICATED", refused,
                () -> HostileCalls.generate(m.securedChannel, good, null)));
        cases.add(new HostileCase("wrong token", "grpc", "UNAUTHENTICATED", refused,
                () -> HostileCalls.generate(m.securedChannel, good, "Bearer " + "0".repeat(32))));
        cases.add(new HostileCase("token without the Bearer scheme", "grpc", "UNAUTHENTICATED", refused,
                () -> HostileCalls.generate(m.securedChannel, good, m.mainToken)));
        cases.add(new HostileCase("Basic credentials", "grpc", "UNAUTHENTICATED", refused,
                () -> HostileCalls.generate(m.securedChannel, good, "Basic dXNlcjpwYXNz")));
        // 4 KiB: grpc-java refuses to send metadata over the server's 8 KiB header list limit itself.
        cases.add(new HostileCase("token of 4 KiB", "grpc", "UNAUTHENTICATED", refused,
                () -> HostileCalls.generate(m.securedChannel, good, "Bearer " + "t".repeat(4096))));

        int router = m.secured.routerPort();
        int verifier = m.secured.verifierPort();
        ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(m.caFile.toFile()).build();
        handshake(cases, "plaintext to the router's TLS port", router, InsecureChannelCredentials.create());
        handshake(cases, "TLS without a client certificate (router requires one)", router, noCertificate);
        handshake(cases, "client certificate from an untrusted CA (router)", router, m.strangerTls.channelCredentials());
        handshake(cases, "plaintext to the verifier's mTLS port", verifier, InsecureChannelCredentials.create());
        handshake(cases, "client certificate from an untrusted CA (verifier)", verifier, m.strangerTls.channelCredentials());

        cases.add(new HostileCase("over the per-client stream limit", "grpc", "RESOURCE_EXHAUSTED",
                "limits.maxStreamsPerClient", () -> overStreamLimit(m)));
        cases.add(new HostileCase("streams of a client that never reads count against its limit", "load",
                "RESOURCE_EXHAUSTED", "limits.maxStreamsPerClient", () -> stalledStreamsCount(m)));
        cases.add(new HostileCase("over the per-client rate limit", "grpc", "RESOURCE_EXHAUSTED",
                "limits.requestsPerSecond", () -> {
                    GenerateRequest empty = good.toBuilder().setPrompt("").build();
                    Outcome last = null;
                    for (int i = 0; i < 4 * HostileMeshes.REQUESTS_PER_SECOND; i++) {
                        last = HostileCalls.generate(m.securedChannel, empty, "Bearer " + m.rateToken);
                        if (!last.got().equals("INVALID_ARGUMENT")) {
                            return last;
                        }
                    }
                    return last;
                }));
    }

    private static void handshake(List<HostileCase> cases, String name, int port, ChannelCredentials credentials) {
        cases.add(new HostileCase(name, "tls", "UNAVAILABLE", "", () -> {
            ManagedChannel channel = Channels.open("localhost:" + port, credentials);
            try {
                return HostileCalls.handshake(channel);
            } finally {
                Channels.close(channel);
            }
        }));
    }

    /** Two held streams of one client, then a third; after the two are cancelled, another is served. */
    private static Outcome overStreamLimit(HostileMeshes m) throws Exception {
        String token = "Bearer " + m.streamsToken;
        GenerateRequest slow = HostileFieldCases.good().toBuilder().setMaxTokens(LONG_TOKENS).build();
        List<StalledCall> held = new ArrayList<>();
        try {
            for (int i = 0; i < HostileMeshes.MAX_STREAMS; i++) {
                StalledCall call = new StalledCall(m.securedChannel, slow, token);
                held.add(call);
                if (!call.awaitFirst(30_000)) {
                    return new Outcome("NO_FIRST_TOKEN", "held stream " + i + " sent nothing: " + call.state());
                }
            }
            Outcome over = HostileCalls.generate(m.securedChannel, HostileFieldCases.good(), token);
            held.forEach(StalledCall::cancel);
            Outcome after = retry(() -> HostileCalls.generate(m.securedChannel, HostileFieldCases.good(), token));
            return new Outcome(over.got(), over.message() + "; after cancelling the two: " + after.got() + " "
                    + after.message());
        } finally {
            held.forEach(StalledCall::cancel);
        }
    }

    /**
     * A client that opens its {@value HostileMeshes#MAX_STREAMS} streams and reads none of them: their generations end
     * on the router, but what they produced waits in its buffers until the client reads, so the streams stay open and
     * must keep counting. Polled for a while, as the generations end at their own pace.
     */
    private static Outcome stalledStreamsCount(HostileMeshes m) throws Exception {
        String token = "Bearer " + m.streamsToken;
        ManagedChannel tiny = NettyChannelBuilder.forTarget("localhost:" + m.secured.routerPort(),
                m.clientTls.channelCredentials()).flowControlWindow(64).build();
        List<StalledCall> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < HostileMeshes.MAX_STREAMS; i++) {
                StalledCall call = new StalledCall(tiny, HostileFieldCases.good().toBuilder().setMaxTokens(8).build(), token);
                stalled.add(call);
                if (!call.awaitFirst(30_000)) { // its one message read, the rest (and the summary) wait unread
                    return new Outcome("NO_FIRST_TOKEN", "stalled stream " + i + " sent nothing: " + call.state());
                }
            }
            Outcome over = null;
            for (long end = System.currentTimeMillis() + 3_000; System.currentTimeMillis() < end; Thread.sleep(300)) {
                over = HostileCalls.generate(m.securedChannel, HostileFieldCases.good(), token);
                if (over.got().equals("OK")) {
                    return new Outcome("OK", "a third stream was served while two stalled ones were open: " + over.message());
                }
            }
            return over;
        } finally {
            stalled.forEach(StalledCall::cancel);
            Channels.close(tiny);
        }
    }

    private static void resources(HostileMeshes m, List<HostileCase> cases) {
        cases.add(new HostileCase("verifier full, its queue full", "load", "RESOURCE_EXHAUSTED", "maxQueuedSessions",
                () -> withFullVerifier(m, queued -> HostileCalls.generate(m.openChannel, HostileFieldCases.good()))));
        cases.add(new HostileCase("verifier full, queued past maxQueueWaitMs", "load", "RESOURCE_EXHAUSTED",
                "maxQueueWaitMs", () -> withFullVerifier(m, queued -> {
                    Status status = queued.awaitClose(30_000);
                    return status == null ? new Outcome("NOT_ENDED", "still queued after 30 s")
                            : HostileCalls.of(status);
                })));
        cases.add(new HostileCase("verifier full, queued until a session ends", "load", "OK", "summary tokens=4",
                () -> withFullVerifier(m, queued -> null)));
        cases.add(new HostileCase("client cancels mid-stream", "load", "OK", "follow-up route=",
                () -> cancelMidStream(m)));
        cases.add(new HostileCase("client that never reads", "load", "OK", "read after the stall",
                () -> neverReads(m)));
    }

    /** What the verifier full case does while one session runs and one waits in the queue. */
    @FunctionalInterface
    private interface WhileFull {
        /** Returns the case's outcome, or null to end the running session and report on the queued one. */
        Outcome apply(StalledCall queued) throws Exception;
    }

    private static Outcome withFullVerifier(HostileMeshes m, WhileFull check) throws Exception {
        awaitVerifierFree(m);
        StalledCall running = new StalledCall(m.openChannel,
                HostileFieldCases.good().toBuilder().setMaxTokens(LONG_TOKENS).build(), null);
        StalledCall queued = null;
        try {
            if (!running.awaitFirst(30_000)) {
                return new Outcome("NO_FIRST_TOKEN", "the running session sent nothing: " + running.state());
            }
            queued = new StalledCall(m.openChannel, HostileFieldCases.good(), null);
            Thread.sleep(150); // the queued call reaches the verifier's queue
            Outcome outcome = check.apply(queued);
            if (outcome != null) {
                return outcome;
            }
            running.cancel();
            queued.read();
            Status status = queued.awaitClose(30_000);
            GenerationSummary summary = queued.summary();
            return status == null ? new Outcome("NOT_ENDED", "queued call still open after 30 s")
                    : status.isOk() ? new Outcome("OK", "summary tokens=" + (summary == null ? -1 : summary.getCompletionTokens()))
                    : HostileCalls.of(status);
        } finally {
            running.cancel();
            if (queued != null) {
                queued.cancel();
            }
        }
    }

    /** Cancels after the first delta; the one session slot must be free again for the next request at once. */
    private static Outcome cancelMidStream(HostileMeshes m) throws Exception {
        awaitVerifierFree(m);
        StalledCall call = new StalledCall(m.openChannel,
                HostileFieldCases.good().toBuilder().setMaxTokens(LONG_TOKENS).build(), null);
        if (!call.awaitFirst(30_000)) {
            call.cancel();
            return new Outcome("NO_FIRST_TOKEN", "the session sent nothing: " + call.state());
        }
        call.cancel();
        // Served by the verifier's single session slot within the queue's wait, or refused RESOURCE_EXHAUSTED.
        Outcome next = HostileCalls.generate(m.openChannel, HostileFieldCases.good());
        return new Outcome(next.got(), "follow-up " + next.message());
    }

    /**
     * A client whose HTTP/2 window is 64 bytes and which asks for no message: the router may buffer only a
     * bounded amount for it, and neither the router nor the verifier may keep a session for it. Another request
     * must be served (the verifier has one session slot) while it stalls; when it finally reads, it gets its
     * whole, normal stream.
     */
    private static Outcome neverReads(HostileMeshes m) throws Exception {
        awaitVerifierFree(m);
        ManagedChannel tiny = NettyChannelBuilder.forTarget("localhost:" + m.open.routerPort(),
                InsecureChannelCredentials.create()).flowControlWindow(64).build();
        StalledCall stalled = new StalledCall(tiny,
                HostileFieldCases.good().toBuilder().setMaxTokens(STALL_TOKENS).build(), null);
        try {
            Outcome other = retry(() -> HostileCalls.generate(m.openChannel, HostileFieldCases.good()));
            if (!other.got().equals("OK")) {
                return new Outcome(other.got(), "another request while one client stalls: " + other.message());
            }
            stalled.read();
            Status status = stalled.awaitClose(30_000);
            GenerationSummary summary = stalled.summary();
            return status == null ? new Outcome("NOT_ENDED", "still open 30 s after reading")
                    : !status.isOk() ? HostileCalls.of(status)
                    : new Outcome("OK", "another request served during the stall; read after the stall: summary tokens="
                    + (summary == null ? -1 : summary.getCompletionTokens()));
        } finally {
            stalled.cancel();
            Channels.close(tiny);
        }
    }

    /**
     * Returns once the open verifier's one session slot is free: a small request is served. A cancelled session of an
     * earlier case ends asynchronously (at its next token), and each case starts from a free verifier.
     */
    private static void awaitVerifierFree(HostileMeshes m) throws Exception {
        Outcome served = retry(() -> HostileCalls.generate(m.openChannel, HostileFieldCases.good()));
        if (!served.got().equals("OK")) {
            throw new IllegalStateException("the open verifier stayed busy for 20 s: " + served);
        }
    }

    /** {@code call} until it is served, for at most 20 s (a session may still be ending). */
    private static Outcome retry(HostileCase.Probe call) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        Outcome outcome = call.run();
        while (!outcome.got().equals("OK") && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            outcome = call.run();
        }
        return outcome;
    }
}
