package dev.specula.engine.spec;

import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.SharedData;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.GgufExport;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.ByteVocabulary;
import dev.specula.engine.tokenizer.SentencePieceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Block verification on real models reproduces plain autoregressive decoding token for token, greedy and, for
 * the same seed, sampled, whether the drafter agrees with the target often (a BF16 copy) or almost never
 * (random weights), which exercises every rollback path.
 */
class SpeculativeDecoderTest {

    private static final Backend BACKEND = new VectorBackend(2);

    @TempDir
    static Path dir;

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @Test
    void greedy_stories260kWithBf16AndRandomDrafters_equalsTargetAlone() throws Exception {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        try (ModelFile target = ModelFile.open(bin, tok)) {
            Path bf16 = dir.resolve("stories-bf16.gguf");
            GgufExport.write(target, GgmlType.BF16, bf16);
            Path random = dir.resolve("random-512.gguf");
            RandomModelWriter.write(random, target.config(), GgmlType.F32, true, target.tokenizer(), 4);
            Transformer targetModel = target.load(BACKEND);
            Generator plain = new Generator(targetModel, target.tokenizer());
            for (String prompt : new String[] {"", "Once upon a time", "The little dog saw a big"}) {
                int[] promptTokens = plain.promptTokens(prompt);
                int[] expected = plain.generate(prompt, 120, SamplingParams.greedy(), (t, d) -> { }).tokens();
                for (Path draftFile : new Path[] {bf16, random}) {
                    try (ModelFile draft = ModelFile.open(draftFile, null)) {
                        SpeculativeDecoder decoder = new SpeculativeDecoder(targetModel, draft.load(BACKEND));
                        for (int k : new int[] {1, 4, 8}) {
                            SpeculativeResult result = decoder.generate(promptTokens, 120, k, SamplingParams.greedy(),
                                    target.tokenizer().eosId(), target.tokenizer().bosId());
                            assertThat(result.tokens()).as("%s, k=%d, prompt '%s'", draftFile.getFileName(), k, prompt)
                                    .containsExactly(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sampled_stories260kWithBf16AndRandomDrafters_sameSeedGivesPlainGeneratorsOutputForEveryK() throws Exception {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        try (ModelFile target = ModelFile.open(bin, tok)) {
            Path bf16 = dir.resolve("stories-bf16-sampled.gguf");
            GgufExport.write(target, GgmlType.BF16, bf16);
            Path random = dir.resolve("random-512-sampled.gguf");
            RandomModelWriter.write(random, target.config(), GgmlType.F32, true, target.tokenizer(), 5);
            Transformer targetModel = target.load(BACKEND);
            Generator plain = new Generator(targetModel, target.tokenizer());
            int[] stops = {target.tokenizer().eosId(), target.tokenizer().bosId()};
            try (ModelFile close = ModelFile.open(bf16, null); ModelFile far = ModelFile.open(random, null)) {
                SpeculativeDecoder[] decoders = {new SpeculativeDecoder(targetModel, close.load(BACKEND)),
                        new SpeculativeDecoder(targetModel, far.load(BACKEND))};
                for (SamplingParams params : new SamplingParams[] {SamplingParams.ofTemperature(0.8, 7),
                        new SamplingParams(1.0, 40, 0.9, 0.02, 8)}) {
                    String prompt = "Once upon a time";
                    int[] expected = plain.generate(prompt, 60, params, (t, d) -> { }).tokens();
                    for (int d = 0; d < decoders.length; d++) {
                        for (int k = 1; k <= 8; k++) {
                            SpeculativeResult result = decoders[d].generate(plain.promptTokens(prompt), 60, k, params,
                                    stops);
                            assertThat(result.tokens()).as("%s, drafter %d, k=%d", params, d, k)
                                    .containsExactly(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void greedy_bf16DrafterOfStories260k_acceptsMostDrafts() throws Exception {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        try (ModelFile target = ModelFile.open(bin, tok)) {
            Path bf16 = dir.resolve("stories-bf16-rate.gguf");
            GgufExport.write(target, GgmlType.BF16, bf16);
            try (ModelFile draft = ModelFile.open(bf16, null)) {
                SpeculativeResult result = new SpeculativeDecoder(target.load(BACKEND), draft.load(BACKEND))
                        .generate(new int[] {1}, 200, 4, SamplingParams.greedy());
                assertThat(result.acceptanceRate()).isGreaterThan(0.9);
                assertThat(result.meanAcceptedLength()).isGreaterThan(4.0);
                assertThat(result.perTokenAcceptance()).isGreaterThanOrEqualTo(result.acceptanceRate());
            }
        }
    }

    @Test
    void greedy_randomTargetAndDrafterWithoutSharedData_equalsTargetAlone() throws Exception {
        LlamaConfig config = new LlamaConfig("llama", 64, 96, 2, 4, 2, 16, 300, 128, 10000f, 1e-5f,
                RopeStyle.INTERLEAVED);
        SentencePieceTokenizer tokenizer = ByteVocabulary.tokenizer(300);
        Path targetFile = dir.resolve("t.gguf");
        Path draftFile = dir.resolve("d.gguf");
        RandomModelWriter.write(targetFile, config, GgmlType.F32, false, tokenizer, 21);
        RandomModelWriter.write(draftFile, config, GgmlType.Q8_0, false, tokenizer, 21);
        try (ModelFile target = ModelFile.open(targetFile, null); ModelFile draft = ModelFile.open(draftFile, null)) {
            Transformer t = target.load(BACKEND);
            Generator plain = new Generator(t, tokenizer);
            int[] prompt = plain.promptTokens("héllo, 世界");
            int[] expected = plain.generate("héllo, 世界", 100, SamplingParams.greedy(), (x, y) -> { }).tokens();
            for (int k : new int[] {1, 3, 8}) {
                SpeculativeResult result = new SpeculativeDecoder(t, draft.load(BACKEND))
                        .generate(prompt, 100, k, SamplingParams.greedy(), tokenizer.eosId(), tokenizer.bosId());
                assertThat(result.tokens()).as("k=%d", k).containsExactly(expected);
                // A step rejects at most one draft and judges none after it.
                assertThat(result.rejected()).as("k=%d", k).isLessThanOrEqualTo(result.steps());
                assertThat(result.accepted() + result.rejected()).as("k=%d", k).isLessThanOrEqualTo(result.drafted());
                if (k == 1) {
                    assertThat(result.accepted() + result.rejected()).as("every single draft is judged")
                            .isEqualTo(result.steps());
                }
            }
        }
    }
}
