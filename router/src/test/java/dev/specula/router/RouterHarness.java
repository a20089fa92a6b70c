package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.router.RouterServer;
import dev.specula.router.config.RouterConfig;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A router on the in-process transport in front of scripted verifiers (each under its own in-process name,
 * which is also its target in the router's config), and a client channel to it.
 */
final class RouterHarness implements AutoCloseable {

    final RouterServer router;
    final ManagedChannel client;
    final Map<String, Server> verifierServers = new LinkedHashMap<>();
    private final List<ManagedChannel> verifierChannels = new ArrayList<>();

    /** @param verifiers in-process name → the double serving it; @param config the router's config */
    RouterHarness(Map<String, ScriptedVerifier> verifiers, RouterConfig config) throws IOException {
        for (Map.Entry<String, ScriptedVerifier> entry : verifiers.entrySet()) {
            verifierServers.put(entry.getKey(), InProcessServerBuilder.forName(entry.getKey()).directExecutor()
                    .addService(entry.getValue()).build().start());
        }
        String routerName = InProcessServerBuilder.generateName();
        router = new RouterServer(config, InProcessServerBuilder.forName(routerName).directExecutor(), target -> {
            ManagedChannel channel = InProcessChannelBuilder.forName(target).directExecutor().build();
            verifierChannels.add(channel);
            return channel;
        }).start();
        client = InProcessChannelBuilder.forName(routerName).directExecutor().build();
    }

    /** Every message of one Generate call; a failure is thrown as StatusRuntimeException. */
    List<GenerateResponse> generate(GenerateRequest request) {
        List<GenerateResponse> responses = new ArrayList<>();
        GenerationServiceGrpc.newBlockingStub(client).generate(request).forEachRemaining(responses::add);
        return responses;
    }

    @Override
    public void close() {
        client.shutdownNow();
        router.shutdown(1_000);
        verifierServers.values().forEach(Server::shutdownNow);
    }
}
