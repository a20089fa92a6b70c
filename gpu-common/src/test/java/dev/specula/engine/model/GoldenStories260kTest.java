package dev.specula.engine.model;

import dev.specula.engine.SharedData;
import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.sample.SamplingParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The correctness anchor on real weights: greedy generation from BOS with Karpathy's stories260K reproduces
 * the reference token ids and text exactly, on every backend.
 */
class GoldenStories260kTest {

    @ParameterizedTest
    @ValueSource(strings = {"naive", "vector"})
    void generate_greedyFromBos_matchesGoldenIdsAndText(String backendName) throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        Path tokenizer = SharedData.require("models/stories260K/tok512.bin");
        List<String> golden = Files.readAllLines(SharedData.require("models/stories260K/golden_greedy_bos_256.txt"));
        int[] expectedIds = Arrays.stream(golden.get(1).substring("# ids:".length()).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        String expectedText = String.join("\n", golden.subList(2, golden.size()));

        try (ModelFile file = ModelFile.open(model, tokenizer); Backend backend = Backends.create(backendName)) {
            Generator generator = new Generator(file.load(backend), file.tokenizer());
            GenerationResult result = generator.generate("", 256, SamplingParams.greedy(), (token, delta) -> { });

            assertThat(result.tokens()).containsExactly(expectedIds);
            assertThat(result.text()).isEqualTo(expectedText);
        }
    }
}
