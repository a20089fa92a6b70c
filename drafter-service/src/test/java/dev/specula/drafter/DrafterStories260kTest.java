package dev.specula.drafter;

import dev.specula.engine.SharedData;
import dev.specula.engine.tokenizer.SentencePieceTokenizer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.proto.v1.OpenDraft;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drafter on real weights (Karpathy's stories260K, from ../shared): with every prediction accepted, the
 * blocks it drafts from BOS spell the model's reference greedy output.
 */
class DrafterStories260kTest {

    @Test
    void propose_fromBosAcceptingEveryPrediction_spellsTheGoldenGreedyOutput() throws Exception {
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        Path tokenizer = SharedData.require("models/stories260K/tok512.bin");
        List<String> golden = Files.readAllLines(SharedData.require("models/stories260K/golden_greedy_bos_256.txt"));
        int[] expected = Arrays.stream(golden.get(1).substring("# ids:".length()).trim().split(" "))
                .mapToInt(Integer::parseInt).toArray();
        String fingerprint = VocabularyFingerprint.of(SentencePieceTokenizer.fromLlama2cFile(tokenizer, 512));

        DrafterConfig config = DrafterConfig.builder().backend("vector")
                .model(new DrafterConfig.ModelSpec("stories-260k", model, tokenizer, List.of("en"), List.of("stories")))
                .build();
        try (DrafterHarness drafter = new DrafterHarness(config)) {
            OpenDraft open = DrafterHarness.openFor(new int[] {1}, 8, true).setVocabularyFingerprint(fingerprint).build();
            ProposeStream s = drafter.open(open);
            assertThat(s.ready().getContextLength()).isEqualTo(512);
            int steps = (expected.length + 8) / 9;
            int[] committed = new ScriptedVerifier(s, new int[] {1}).run(steps, 8, ScriptedVerifier.acceptAll()).committed();

            int[] generated = Arrays.copyOfRange(committed, 1, 1 + expected.length);
            assertThat(generated).containsExactly(expected);
            s.halfClose();
            s.awaitCompleted();
        }
    }
}
