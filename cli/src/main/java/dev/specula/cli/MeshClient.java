package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.rpc.Channels;
import io.grpc.ManagedChannel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/** A client of the router's GenerationService, as a user's own gRPC client would call it. */
public final class MeshClient implements AutoCloseable {

    /**
     * One finished generation.
     *
     * @param text     the completion's text
     * @param tokenIds its token ids in order
     * @param deltas   how many deltas carried it
     * @param summary  the final summary
     */
    public record Completion(String text, List<Integer> tokenIds, int deltas, GenerationSummary summary) {
    }

    private final ManagedChannel channel;
    private final GenerationServiceGrpc.GenerationServiceBlockingStub stub;

    /** Connects to a router at {@code target} ("host:port"). */
    public MeshClient(String target) {
        this.channel = Channels.plaintext(target);
        this.stub = GenerationServiceGrpc.newBlockingStub(channel);
    }

    /** Runs {@code request} to its end, passing every event to {@code onEvent} as it arrives. */
    public Completion generate(GenerateRequest request, Consumer<GenerateResponse> onEvent) {
        StringBuilder text = new StringBuilder();
        List<Integer> ids = new ArrayList<>();
        int deltas = 0;
        GenerationSummary summary = null;
        Iterator<GenerateResponse> events = stub.generate(request);
        while (events.hasNext()) {
            GenerateResponse event = events.next();
            onEvent.accept(event);
            if (event.hasDelta()) {
                deltas++;
                text.append(event.getDelta().getText());
                ids.addAll(event.getDelta().getTokenIdsList());
            } else if (event.hasSummary()) {
                summary = event.getSummary();
            }
        }
        if (summary == null) {
            throw new IllegalStateException("generation stream ended without a summary");
        }
        return new Completion(text.toString(), List.copyOf(ids), deltas, summary);
    }

    /** Runs {@code request} to its end. */
    public Completion generate(GenerateRequest request) {
        return generate(request, event -> { });
    }

    @Override
    public void close() {
        Channels.close(channel);
    }
}
