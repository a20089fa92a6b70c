package dev.specula.drafter;

import dev.specula.proto.v1.DrafterServiceGrpc;
import dev.specula.proto.v1.OpenDraft;
import dev.specula.proto.v1.Sampling;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A drafter server on the in-process transport and a channel to it. */
final class DrafterHarness implements AutoCloseable {

    final DrafterServer server;
    final ManagedChannel channel;
    private final List<ProposeStream> streams = new CopyOnWriteArrayList<>();

    DrafterHarness(DrafterConfig config) throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = new DrafterServer(config, InProcessServerBuilder.forName(name).directExecutor()).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    DrafterServiceImpl service() {
        return server.service();
    }

    /** A new stream, not yet opened. */
    ProposeStream stream() {
        ProposeStream stream = new ProposeStream();
        stream.attach(DrafterServiceGrpc.newStub(channel).propose(stream));
        streams.add(stream);
        return stream;
    }

    /** A new stream, opened with {@code open}. */
    ProposeStream open(OpenDraft open) {
        return stream().open(open);
    }

    /** A valid open for the test models: greedy unless {@code sampling} says otherwise. */
    static OpenDraft.Builder openFor(int[] tokens, int draftLength, boolean draftAhead) {
        OpenDraft.Builder open = OpenDraft.newBuilder().setSessionId("test").setDraftLength(draftLength)
                .setDraftAhead(draftAhead).setVocabularyFingerprint(TestModels.FINGERPRINT)
                .setSampling(Sampling.newBuilder().setTemperature(0));
        for (int t : tokens) {
            open.addTokens(t);
        }
        return open;
    }

    /**
     * Cancels every stream a test left open (a failed assertion skips its clean-up), then waits until every
     * session has ended.
     */
    void endAllSessions() throws InterruptedException {
        for (ProposeStream stream : streams) {
            stream.cancel();
        }
        streams.clear();
        awaitTrue(() -> service().openSessions() == 0, "every session ended");
    }

    /** Waits until {@code condition} holds, failing the test after a while. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.close();
    }
}
