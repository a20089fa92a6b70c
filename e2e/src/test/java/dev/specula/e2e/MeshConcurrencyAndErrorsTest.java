package dev.specula.e2e;

import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;

import com.google.protobuf.ByteString;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Concurrent sessions through one mesh, and bad input at the router's public API. */
class MeshConcurrencyAndErrorsTest {

    @TempDir
    static Path work;

    private static LocalMesh mesh;
    private static MeshClient client;

    @BeforeAll
    static void start() throws Exception {
        mesh = TestMeshes.start(LocalMesh.Mode.ONE_JVM, work);
        client = new MeshClient(mesh.routerTarget());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void generate_twelveConcurrentSessions_eachIdenticalToItsSoloRun() throws Exception {
        List<GenerateRequest> requests = new ArrayList<>();
        List<String> prompts = MeshGreedyEquivalenceTest.PROMPTS;
        for (int i = 0; i < 12; i++) {
            boolean sampled = i % 3 == 2; // a third sampled, with their own seeds: also deterministic per seed
            requests.add(GenerateRequest.newBuilder().setPrompt(prompts.get(i % prompts.size()))
                    .setMaxTokens(40)
                    .setSampling(sampled ? Sampling.newBuilder().setTemperature(0.8f).setSeed(1000 + i).build()
                            : Sampling.getDefaultInstance())
                    .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                            .setDraftLength(1 + i % 6).setDraftAhead(i % 2 == 0)).build());
        }
        List<MeshClient.Completion> solo = new ArrayList<>();
        for (GenerateRequest r : requests) {
            solo.add(client.generate(r));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(requests.size())) {
            List<CompletableFuture<MeshClient.Completion>> runs = new ArrayList<>();
            for (GenerateRequest r : requests) {
                runs.add(CompletableFuture.supplyAsync(() -> client.generate(r), pool));
            }
            for (int i = 0; i < requests.size(); i++) {
                // Also for sampled sessions whose drafter was dropped under load: every token is the target's draw.
                MeshClient.Completion together = runs.get(i).get();
                assertThat(together.tokenIds()).as("session %d", i).isEqualTo(solo.get(i).tokenIds());
                assertThat(together.tokenIds()).as("session %d", i).hasSize(together.summary().getCompletionTokens());
            }
        }
    }

    @Test
    void generate_badInput_statusNamesTheFieldAndTheMeshKeepsServing() {
        GenerateRequest good = GenerateRequest.newBuilder().setPrompt("Once upon a time").setMaxTokens(8).build();
        String longPrompt = "the dog and the cat went to the park ".repeat(120);
        assertRejected(good.toBuilder().setPrompt("").build(), Status.Code.INVALID_ARGUMENT, "prompt");
        assertRejected(good.toBuilder().setPrompt(longPrompt).build(), Status.Code.OUT_OF_RANGE, "prompt");
        assertRejected(good.toBuilder().setMaxTokens(0).build(), Status.Code.INVALID_ARGUMENT, "max_tokens");
        assertRejected(good.toBuilder().setMaxTokens(-5).build(), Status.Code.INVALID_ARGUMENT, "max_tokens");
        assertRejected(good.toBuilder().setMaxTokens(2_000_000_000).build(), null, "max_tokens");
        assertRejected(good.toBuilder().setMaxTokens(100_000).build(), Status.Code.OUT_OF_RANGE, "max_tokens");
        assertRejected(good.toBuilder().setSampling(Sampling.newBuilder().setTemperature(-0.5f)).build(),
                Status.Code.INVALID_ARGUMENT, "temperature");
        assertRejected(good.toBuilder().setSampling(Sampling.newBuilder().setTopP(0f)).build(),
                Status.Code.INVALID_ARGUMENT, "top_p");
        assertRejected(good.toBuilder().setSampling(Sampling.newBuilder().setTopP(1.5f)).build(),
                Status.Code.INVALID_ARGUMENT, "top_p");
        assertRejected(good.toBuilder().setDrafter("no-such-drafter").build(), Status.Code.INVALID_ARGUMENT, "drafter");
        assertRejected(good.toBuilder().setLanguage("xx").build(), Status.Code.INVALID_ARGUMENT, "language");
        assertRejected(good.toBuilder().setPromptBytes(ByteString.copyFrom(new byte[] {'a', (byte) 0xC3, 'b'})).build(),
                Status.Code.INVALID_ARGUMENT, "prompt");

        assertThat(client.generate(good).summary().getCompletionTokens()).isEqualTo(8);
    }

    private static void assertRejected(GenerateRequest request, Status.Code code, String field) {
        assertThatThrownBy(() -> client.generate(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    if (code != null) {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
                    } else {
                        assertThat(e.getStatus().getCode()).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.OUT_OF_RANGE);
                    }
                    assertThat(e.getStatus().getDescription()).contains(field);
                });
    }
}
