package dev.specula.e2e.container;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.DemoPrompts;
import dev.specula.cli.MeshClient;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The image as containers (router, two verifiers, two drafters; see {@link ContainerMesh}), driven through
 * the public gRPC API: greedy output is the target's alone, token for token, also when a drafter or a
 * verifier container is killed while requests stream, and a killed container, started again, is taken back
 * into rotation. The tests share one mesh and run in order, each leaving it serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerMeshTest {

    /** Requests in flight when a container is killed. */
    private static final int CONCURRENT = 12;
    private static final int MAX_TOKENS = 48;
    private static final List<String> PROMPTS = DemoPrompts.ALL.stream().limit(4).map(DemoPrompts.Prompt::text).toList();

    private static ContainerMesh mesh;
    private static MeshClient client;
    /** The target's own greedy tokens for each of {@link #PROMPTS}, computed in this JVM. */
    private static List<List<Integer>> expected;

    @BeforeAll
    static void startMesh() throws Exception {
        String reason = ContainerMesh.unavailableReason();
        assumeTrue(reason == null, reason);
        expected = targetOnly();
        ContainerMesh.buildImage();
        mesh = ContainerMesh.start();
        client = new MeshClient(mesh.routerTarget());
    }

    @AfterAll
    static void stopMesh() {
        if (client != null) {
            client.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    @Order(1)
    void generate_greedyThroughContainers_identicalToTargetOnly() {
        for (int i = 0; i < PROMPTS.size(); i++) {
            MeshClient.Completion done = client.generate(request(PROMPTS.get(i)));

            assertThat(done.tokenIds()).as(PROMPTS.get(i)).isEqualTo(expected.get(i));
            assertThat(done.summary().getDrafterId()).as("speculative, through a drafter container")
                    .isEqualTo("specula-drafter-general-kl");
        }
    }

    @Test
    @Order(2)
    void generate_drafterContainerKilledMidStream_everyRequestCompletesIdentical() throws Exception {
        List<MeshClient.Completion> done = concurrently(() -> mesh.kill("drafter-1"));

        assertIdentical(done);
        assertThat(done).extracting(c -> c.summary().getDrafterFallback()).as("sessions that lost drafter-1 went on plainly")
                .anyMatch(fallback -> !fallback.isEmpty());
        mesh.restart("drafter-1");
    }

    @Test
    @Order(3)
    void generate_verifierContainerKilledMidStream_everyRequestCompletesIdentical() throws Exception {
        List<MeshClient.Completion> done = concurrently(() -> mesh.kill("verifier-1"));

        assertIdentical(done);
        assertThat(done).extracting(c -> c.summary().getVerifierId()).as("verifier-2 finished every request")
                .containsOnly("verifier-2");
        assertThat(mesh.logs("router")).as("a session was resumed").contains("resuming on the next replica");
    }

    @Test
    @Order(4)
    void generate_killedVerifierRestarted_takenBackIntoRotation() throws Exception {
        mesh.restart("verifier-1");
        // The router's dns:/// channel finds it again when its connection to verifier-2 is renewed
        // (GrpcServer.MAX_CONNECTION_AGE_SECONDS).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4 * 30 + 60);
        List<String> served = new ArrayList<>();
        while (!served.contains("verifier-1") && System.nanoTime() < deadline) {
            MeshClient.Completion done = client.generate(request(PROMPTS.getFirst()).toBuilder().setMaxTokens(4).build());
            assertThat(done.tokenIds()).isEqualTo(expected.getFirst().subList(0, 4));
            served.add(done.summary().getVerifierId());
            Thread.sleep(1_000);
        }
        assertThat(served).as("verifiers that served, in order\n" + mesh.logs("router")).contains("verifier-1");
    }

    @Test
    @Order(5)
    void helmTestPodCommand_againstTheMesh_exitsWithACompletion() {
        // The command of helm/specula/templates/tests/test-generate.yaml, against this mesh's router.
        String output = mesh.runOnce(List.of("/opt/java/bin/java", "--enable-native-access=ALL-UNNAMED",
                "-cp", "/opt/specula/classes:/opt/specula/lib/*", "dev.specula.cli.SpeculaMain",
                "client", "--target", "router:50051", "--prompt", "Debian is", "--max-tokens", "8"));

        assertThat(output).as(output).contains("8 tokens,").contains("finish max_tokens");
    }

    /** CONCURRENT requests (the prompts in turn); {@code fault} runs once, at the first streamed token. */
    private static List<MeshClient.Completion> concurrently(Runnable fault) throws Exception {
        AtomicBoolean faulted = new AtomicBoolean();
        Consumer<dev.specula.proto.v1.GenerateResponse> onEvent = event -> {
            if (event.hasDelta() && faulted.compareAndSet(false, true)) {
                fault.run();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            List<Future<MeshClient.Completion>> futures = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                GenerateRequest request = request(PROMPTS.get(i % PROMPTS.size()));
                futures.add(pool.submit(() -> client.generate(request, onEvent)));
            }
            List<MeshClient.Completion> done = new ArrayList<>();
            for (Future<MeshClient.Completion> future : futures) {
                done.add(future.get(10, TimeUnit.MINUTES));
            }
            assertThat(faulted).as("the fault ran while tokens streamed").isTrue();
            return done;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertIdentical(List<MeshClient.Completion> done) {
        assertThat(done).hasSize(CONCURRENT);
        for (int i = 0; i < done.size(); i++) {
            assertThat(done.get(i).tokenIds()).as("request " + i + ": no token lost or repeated")
                    .isEqualTo(expected.get(i % PROMPTS.size()));
        }
    }

    private static GenerateRequest request(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(MAX_TOKENS)
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                        .setDraftLength(2))
                .build();
    }

    private static List<List<Integer>> targetOnly() throws Exception {
        System.setProperty("specula.home", Path.of("").toAbsolutePath().getParent().toString());
        DefaultModels models = DefaultModels.find();
        List<List<Integer>> tokens = new ArrayList<>();
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(models.target(), models.targetTokenizer())) {
            Generator generator = new Generator(target.load(backend), target.tokenizer());
            for (String prompt : PROMPTS) {
                tokens.add(Arrays.stream(generator.generate(prompt, MAX_TOKENS, SamplingParams.greedy(), (t, d) -> { })
                        .tokens()).boxed().toList());
            }
        }
        return tokens;
    }
}
