package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.DemoPrompts;
import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.cli.MeshConfigs;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.FinishReason;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greedy output through the mesh (router, verifier and drafter on real TCP servers) is token for token the
 * target's own greedy output, as {@code specula generate} produces it, whatever the drafter, draft length and
 * draft-ahead setting. Besides the family's drafters, the mesh hosts the target itself as a drafter: it agrees
 * with the target on every token, so whole blocks are accepted with their bonus token however well the family's
 * drafters happen to be trained (they mostly exercise rejections).
 */
class MeshGreedyEquivalenceTest {

    private static final int MAX_TOKENS = 32;

    /** 16 prompts: the demo's nine languages, one word to two sentences. */
    static final List<String> PROMPTS = prompts();

    @TempDir
    static Path work;

    private static LocalMesh mesh;
    private static MeshClient client;
    private static List<List<Integer>> expected;
    private static String general;
    private static String german;
    private static String self;

    @BeforeAll
    static void start() throws Exception {
        DefaultModels base = TestMeshes.defaultModels();
        DefaultModels models = base.withOtherDrafter(base.target());
        general = MeshConfigs.modelId(models.generalDrafter());
        german = MeshConfigs.modelId(models.languageDrafters().get("de"));
        self = MeshConfigs.modelId(models.target());
        expected = new ArrayList<>();
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(models.target(), models.targetTokenizer())) {
            Generator generator = new Generator(target.load(backend), target.tokenizer());
            for (String prompt : PROMPTS) {
                int[] tokens = generator.generate(prompt, MAX_TOKENS, SamplingParams.greedy(), (t, d) -> { }).tokens();
                expected.add(Arrays.stream(tokens).boxed().toList());
            }
        }
        mesh = LocalMesh.start(models, 0, LocalMesh.Mode.ONE_JVM, work, step -> { });
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
    void generate_draftAheadOnAndOff_identicalToTargetOnly() {
        for (boolean draftAhead : new boolean[] {true, false}) {
            for (int i = 0; i < PROMPTS.size(); i++) {
                MeshClient.Completion done = client.generate(request(PROMPTS.get(i),
                        Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(4)
                                .setDraftAhead(draftAhead)));
                assertThat(done.tokenIds()).as("prompt %d, draft-ahead %s", i, draftAhead).isEqualTo(expected.get(i));
                assertThat(done.summary().getDrafterFallback()).as("prompt %d", i).isEmpty();
                assertThat(done.summary().getDraftedTokens()).as("prompt %d drafted", i).isPositive();
            }
        }
    }

    @Test
    void generate_everyDraftLengthEachKindOfDrafterAndAuto_identicalToTargetOnly() {
        for (String drafter : List.of(general, german, self)) {
            for (int k : new int[] {1, 3, 8}) {
                for (int i = 0; i < PROMPTS.size(); i += 3) {
                    MeshClient.Completion done = client.generate(request(PROMPTS.get(i),
                            Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(k))
                            .toBuilder().setDrafter(drafter).build());
                    assertThat(done.tokenIds()).as("prompt %d, %s, k=%d", i, drafter, k).isEqualTo(expected.get(i));
                    assertThat(done.summary().getDrafterId()).isEqualTo(drafter);
                }
            }
        }
        for (int i = 0; i < PROMPTS.size(); i++) {
            MeshClient.Completion done = client.generate(request(PROMPTS.get(i),
                    Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_AUTO)));
            assertThat(done.tokenIds()).as("prompt %d, auto", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void generate_targetAsItsOwnDrafter_wholeBlocksAcceptedAndIdentical() {
        long drafted = 0;
        long accepted = 0;
        for (boolean draftAhead : new boolean[] {true, false}) {
            for (int i = 0; i < PROMPTS.size(); i += 5) {
                MeshClient.Completion done = client.generate(request(PROMPTS.get(i),
                        Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(4)
                                .setDraftAhead(draftAhead)).toBuilder().setDrafter(self).build());
                assertThat(done.tokenIds()).as("prompt %d, draft-ahead %s", i, draftAhead).isEqualTo(expected.get(i));
                drafted += done.summary().getDraftedTokens();
                accepted += done.summary().getAcceptedTokens();
            }
        }
        // Not exactly 1: a block pass and single steps agree only to float tolerance, which may flip a near tie.
        assertThat((double) accepted / drafted).as("acceptance of the target drafting for itself").isGreaterThan(0.95);
    }

    @Test
    void generate_speculationOff_identicalAndNoDrafts() {
        for (int i = 0; i < PROMPTS.size(); i += 4) {
            MeshClient.Completion done = client.generate(request(PROMPTS.get(i),
                    Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_OFF)));
            assertThat(done.tokenIds()).isEqualTo(expected.get(i));
            assertThat(done.summary().getDraftedTokens()).isZero();
            assertThat(done.summary().getFinishReason()).isIn(FinishReason.FINISH_REASON_MAX_TOKENS,
                    FinishReason.FINISH_REASON_EOS);
        }
    }

    private static GenerateRequest request(String prompt, Speculation.Builder speculation) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(MAX_TOKENS).setSpeculation(speculation)
                .build();
    }

    private static List<String> prompts() {
        List<String> all = new ArrayList<>();
        DemoPrompts.ALL.forEach(p -> all.add(p.text()));
        all.addAll(List.of(
                "Debian",
                "The installer",
                "Partitioning",
                "Der Kernel",
                "Le réseau",
                "Привет"));
        return List.copyOf(all);
    }
}
