package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.DemoPrompts;
import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The widened family target, served by the mesh with the family's drafters, writes the family target's own greedy
 * output token for token, speculative or not: the widening preserves the function, and speculation keeps it.
 */
class MeshWidenedTargetTest {

    private static final int MAX_TOKENS = 24;

    @TempDir
    Path work;

    @Test
    void generate_widenedTargetThroughTheMesh_identicalToFamilyTargetGreedy() throws Exception {
        DefaultModels family = TestMeshes.defaultModels();
        // x2 keeps the test fast; the demo's x4 is the same construction.
        DefaultModels widened = family.withWidenedTarget(2, work.resolve("cache"), step -> { });
        assertThat(widened.target()).isNotEqualTo(family.target());
        assertThat(Files.size(widened.target())).isGreaterThan(3 * Files.size(family.target()));
        List<String> prompts = DemoPrompts.ALL.stream().limit(5).map(DemoPrompts.Prompt::text).toList();
        List<List<Integer>> expected;
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(family.target(), null)) {
            Generator generator = new Generator(target.load(backend), target.tokenizer());
            expected = prompts.stream().map(p -> Arrays.stream(generator.generate(p, MAX_TOKENS,
                    SamplingParams.greedy(), (t, d) -> { }).tokens()).boxed().toList()).toList();
        }
        try (LocalMesh mesh = LocalMesh.start(widened, 0, LocalMesh.Mode.ONE_JVM, work.resolve("mesh"), step -> { });
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            for (SpeculationMode mode : List.of(SpeculationMode.SPECULATION_MODE_FIXED,
                    SpeculationMode.SPECULATION_MODE_OFF)) {
                for (int i = 0; i < prompts.size(); i++) {
                    MeshClient.Completion done = client.generate(GenerateRequest.newBuilder().setPrompt(prompts.get(i))
                            .setMaxTokens(MAX_TOKENS).setSpeculation(Speculation.newBuilder().setMode(mode)
                                    .setDraftLength(2).setDraftAhead(true)).build());
                    assertThat(done.tokenIds()).as("prompt %d, %s", i, mode).isEqualTo(expected.get(i));
                }
            }
        }
    }
}
