package dev.specula.e2e;

import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded sampled request gives the same tokens every time through the mesh, under concurrent load, in AUTO
 * mode, where the verifier's policy picks the draft lengths, the router's bandit picks the drafter and a drafter
 * may miss its deadline and be dropped: all of these change only which tokens are drafted, never which are
 * committed (every committed token is the target's own seeded draw at its position). The reference is the same
 * request with speculation off, i.e. the target alone. AUTO requests start from draft lengths 1 to 4; on this
 * mesh the policy often settles on plain decoding, and under load drafters miss their block deadlines, so each
 * prompt also runs once afterwards, alone, at a fixed draft length (1 to 8, draft-ahead on and off), which makes
 * sure many blocks are verified, accepted and rejected.
 */
class MeshDeterminismTest {

    private static final int REPEATS = 5;
    private static final int MAX_TOKENS = 24;
    /** Sessions in flight at once: enough to batch, few enough that drafters mostly open in time on 2 cores. */
    private static final int CONCURRENCY = 6;

    @TempDir
    Path work;

    @Test
    void generate_sampledAutoConcurrent_everyRepeatEqualsSpeculationOff() throws Exception {
        List<String> prompts = new ArrayList<>(MeshGreedyEquivalenceTest.PROMPTS);
        prompts.addAll(List.of("Le miroir", "El archivo", "インストーラ", "安装程序"));
        assertThat(prompts).hasSize(20);
        try (LocalMesh mesh = TestMeshes.start(LocalMesh.Mode.ONE_JVM, work);
             MeshClient client = new MeshClient(mesh.routerTarget());
             ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
            List<CompletableFuture<MeshClient.Completion>> auto = new ArrayList<>();
            List<CompletableFuture<MeshClient.Completion>> off = new ArrayList<>();
            for (int repeat = 0; repeat < REPEATS; repeat++) {
                for (int i = 0; i < prompts.size(); i++) {
                    GenerateRequest request = request(prompts.get(i), i, Speculation.newBuilder()
                            .setMode(SpeculationMode.SPECULATION_MODE_AUTO).setDraftLength(1 + repeat % 4).build());
                    auto.add(CompletableFuture.supplyAsync(() -> client.generate(request), pool));
                }
            }
            for (int i = 0; i < prompts.size(); i++) {
                GenerateRequest request = request(prompts.get(i), i, Speculation.newBuilder()
                        .setMode(SpeculationMode.SPECULATION_MODE_OFF).build());
                off.add(CompletableFuture.supplyAsync(() -> client.generate(request), pool));
            }
            CompletableFuture.allOf(auto.toArray(CompletableFuture[]::new)).join();
            List<MeshClient.Completion> fixed = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                fixed.add(client.generate(request(prompts.get(i), i, Speculation.newBuilder()
                        .setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(1 + i % 8)
                        .setDraftAhead(i % 2 == 0).build())));
            }
            Set<String> drafters = new HashSet<>();
            Set<String> fallbacks = new HashSet<>();
            Set<List<Integer>> draftLengths = new HashSet<>();
            long drafted = 0;
            long accepted = 0;
            long steps = 0;
            int autoSpeculated = 0;
            for (int i = 0; i < prompts.size(); i++) {
                List<Integer> expected = off.get(i).get().tokenIds();
                assertThat(expected).as("prompt %d with speculation off", i).isNotEmpty();
                MeshClient.Completion f = fixed.get(i);
                assertThat(f.tokenIds()).as("prompt %d at fixed k = %d, fallback '%s'", i, 1 + i % 8,
                        f.summary().getDrafterFallback()).isEqualTo(expected);
                fallbacks.add(f.summary().getDrafterFallback());
                drafted += f.summary().getDraftedTokens();
                accepted += f.summary().getAcceptedTokens();
                steps += f.summary().getVerificationSteps();
                for (int repeat = 0; repeat < REPEATS; repeat++) {
                    MeshClient.Completion c = auto.get(repeat * prompts.size() + i).get();
                    assertThat(c.tokenIds()).as("prompt %d '%s', repeat %d, drafter %s, draft lengths %s, fallback '%s'",
                            i, prompts.get(i), repeat, c.summary().getDrafterId(), c.summary().getDraftLengthsList(),
                            c.summary().getDrafterFallback()).isEqualTo(expected);
                    drafters.add(c.summary().getDrafterId());
                    fallbacks.add(c.summary().getDrafterFallback());
                    draftLengths.add(c.summary().getDraftLengthsList());
                    drafted += c.summary().getDraftedTokens();
                    accepted += c.summary().getAcceptedTokens();
                    steps += c.summary().getVerificationSteps();
                    autoSpeculated += c.summary().getDraftedTokens() > 0 ? 1 : 0;
                }
            }
            System.out.printf("determinism through the mesh: drafters %s, %d of %d AUTO sessions drafted, %d distinct "
                    + "AUTO draft-length sequences, accepted %d of %d drafted in %d steps, fallbacks %s%n", drafters,
                    autoSpeculated, auto.size(), draftLengths.size(), accepted, drafted, steps, fallbacks);
            // The test means something only if blocks were verified with both outcomes, on more than one schedule.
            assertThat(accepted).as("accepted drafts").isPositive();
            assertThat(drafted - accepted).as("rejected or unjudged drafts").isPositive();
            assertThat(draftLengths).as("distinct draft-length sequences").hasSizeGreaterThan(1);
        }
    }

    private static GenerateRequest request(String prompt, int seed, Speculation speculation) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(MAX_TOKENS)
                .setSampling(Sampling.newBuilder().setTemperature(0.8f).setSeed(seed)).setSpeculation(speculation)
                .build();
    }
}
