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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Router, verifier and drafter as separate processes; the drafter process is killed (SIGKILL) while a
 * generation streams. The request completes with the target's exact greedy output, and its summary says the
 * verifier fell back to plain decoding.
 */
class DrafterKillTest {

    private static final String PROMPT = DemoPrompts.ALL.getFirst().text();
    /** Long enough that the kill, at the first streamed tokens, comes well before the end. */
    private static final int MAX_TOKENS = 240;

    @TempDir
    Path work;

    @Test
    void generate_drafterKilledMidStream_completesIdenticalWithFallbackInSummary() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        List<Integer> expected;
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(models.target(), models.targetTokenizer())) {
            Generator generator = new Generator(target.load(backend), target.tokenizer());
            expected = Arrays.stream(generator.generate(PROMPT, MAX_TOKENS, SamplingParams.greedy(), (t, d) -> { })
                    .tokens()).boxed().toList();
        }
        try (LocalMesh mesh = LocalMesh.start(models, 0, LocalMesh.Mode.PROCESSES, work, step -> { });
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            GenerateRequest request = GenerateRequest.newBuilder().setPrompt(PROMPT).setMaxTokens(MAX_TOKENS)
                    .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                            .setDraftLength(2))
                    .build();
            // A cold drafter JVM on a loaded machine may miss the first open's deadline; a later one must not.
            String fallback = client.generate(request).summary().getDrafterFallback();
            for (int retry = 0; retry < 3 && !fallback.isEmpty(); retry++) {
                fallback = client.generate(request).summary().getDrafterFallback();
            }
            assertThat(fallback).as("before the kill").isEmpty();

            AtomicBoolean killed = new AtomicBoolean();
            MeshClient.Completion done = client.generate(request, event -> {
                if (event.hasDelta() && killed.compareAndSet(false, true)) {
                    mesh.killDrafter();
                }
            });

            assertThat(done.tokenIds()).isEqualTo(expected);
            assertThat(done.summary().getDrafterFallback()).as("summary.drafter_fallback").isNotEmpty();
            assertThat(done.summary().getDraftLengthsList()).as("plain steps after the fallback").contains(0);
            // The mesh still serves, now without a drafter.
            assertThat(client.generate(request).tokenIds()).isEqualTo(expected);
        }
    }
}
