package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.router.config.ReplicaHealthConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.rpc.GrpcServer;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A verifier replica that dies is ejected after its first failure and taken back when its health says SERVING. */
class ReplicaEjectionTest {

    private final String live = InProcessServerBuilder.generateName();
    private final String dead = InProcessServerBuilder.generateName();
    private final ScriptedVerifier liveVerifier = new ScriptedVerifier(ScriptedVerifier.Script.completes(new int[] {1, 2}));
    private final ScriptedVerifier revivedVerifier = new ScriptedVerifier(ScriptedVerifier.Script.completes(new int[] {1, 2}));
    private final List<ManagedChannel> channels = new ArrayList<>();
    private Server liveServer;
    private GrpcServer revived;
    private RouterServer router;
    private ManagedChannel client;

    @AfterEach
    void close() {
        client.shutdownNow();
        router.shutdown(1_000);
        channels.forEach(ManagedChannel::shutdownNow);
        liveServer.shutdownNow();
        if (revived != null) {
            revived.shutdown(1_000);
        }
    }

    private void generate() {
        GenerationServiceGrpc.newBlockingStub(client)
                .generate(GenerateRequest.newBuilder().setPrompt("Hello there").setMaxTokens(4).build())
                .forEachRemaining(r -> { });
    }

    @Test
    void generate_oneOfTwoReplicasDead_triedFirstOnlyOnceThenTakenBackWhenServing() throws Exception {
        liveServer = InProcessServerBuilder.forName(live).directExecutor().addService(liveVerifier).build().start();
        RouterConfig config = RouterConfig.builder().port(0).model("tiny", dead, live)
                .replicaHealth(new ReplicaHealthConfig(50, 200)).build();
        // Count every call the router makes to the dead replica, connects included.
        List<String> triedDead = new java.util.concurrent.CopyOnWriteArrayList<>();
        String routerName = InProcessServerBuilder.generateName();
        router = new RouterServer(config, InProcessServerBuilder.forName(routerName).directExecutor(), target -> {
            ManagedChannel channel = InProcessChannelBuilder.forName(target).directExecutor()
                    .intercept(new io.grpc.ClientInterceptor() {
                        @Override
                        public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
                                                                             io.grpc.CallOptions options, io.grpc.Channel next) {
                            if (target.equals(dead) && method.getFullMethodName().endsWith("OpenSession")) {
                                triedDead.add(method.getFullMethodName());
                            }
                            return next.newCall(method, options);
                        }
                    }).build();
            channels.add(channel);
            return channel;
        }).start();
        client = InProcessChannelBuilder.forName(routerName).directExecutor().build();

        for (int i = 0; i < 10; i++) {
            generate(); // every request completes: the first resumes on the live replica
        }

        assertThat(triedDead).as("the dead replica is tried first once, then never").hasSize(1);
        assertThat(liveVerifier.requests).hasSize(10);
        assertThat(router.replicaHealth().isEjected(dead)).isTrue();

        // It comes back: health checks (every 50..200 ms) find it SERVING and take it back into rotation.
        revived = new GrpcServer("verifier", InProcessServerBuilder.forName(dead).directExecutor(), revivedVerifier).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (router.replicaHealth().isEjected(dead) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(router.replicaHealth().isEjected(dead)).as("taken back within 10 s").isFalse();
        for (int i = 0; i < 4; i++) {
            generate();
        }
        assertThat(revivedVerifier.requests).as("round robin again").hasSize(2);
        assertThat(liveVerifier.requests).hasSize(12);
    }
}
