package dev.specula.train.tokenizer;

import dev.specula.engine.SharedData;
import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 4096-token vocabulary trained on the first 200 KB of each of the 19 Installation Guide translations in
 * {@code ../shared/corpus}, measured on the next 50 KB of each (text training did not see).
 */
class BpeTrainerCorpusTest {

    private static final String CORPUS = "corpus/installation-guide";
    private static final List<String> LANGUAGES = List.of("ca", "cs", "da", "de", "el", "en", "es", "fr", "id",
            "it", "ja", "ko", "nl", "pt", "ro", "ru", "sv", "vi", "zh_CN");
    private static final List<String> CJK = List.of("ja", "ko", "zh_CN");
    private static final int TRAIN_BYTES = 200_000;
    private static final int HELD_OUT_BYTES = 50_000;

    /** The paragraphs of one language, split into a training part and a held-out part by UTF-8 size. */
    private record Sample(List<String> train, List<String> heldOut) {
    }

    private static Sample sample(Path tsv) throws IOException {
        List<String> train = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        long bytes = 0;
        try (BufferedReader in = Files.newBufferedReader(tsv, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                // "<source html file>\t<paragraph>": only the paragraph is text.
                String paragraph = line.substring(line.indexOf('\t') + 1) + "\n";
                bytes += paragraph.getBytes(StandardCharsets.UTF_8).length;
                if (bytes <= TRAIN_BYTES) {
                    train.add(paragraph);
                } else if (bytes <= TRAIN_BYTES + HELD_OUT_BYTES) {
                    heldOut.add(paragraph);
                } else {
                    break;
                }
            }
        }
        return new Sample(train, heldOut);
    }

    private static boolean hasNonAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code bytes} contain a lead byte 0xE0..0xEF and its two continuation bytes (a CJK character). */
    private static boolean holdsWholeThreeByteCharacter(byte[] bytes) {
        for (int i = 0; i + 2 < bytes.length; i++) {
            if ((bytes[i] & 0xF0) == 0xE0 && (bytes[i + 1] & 0xC0) == 0x80 && (bytes[i + 2] & 0xC0) == 0x80) {
                return true;
            }
        }
        return false;
    }

    @Test
    void train_installationGuide19Languages_compressesEveryLanguageAndLearnsCjkCharacters() throws IOException {
        Path folder = SharedData.require(CORPUS);
        Map<String, Sample> samples = new LinkedHashMap<>();
        List<String> training = new ArrayList<>();
        long trainingBytes = 0;
        for (String language : LANGUAGES) {
            Sample sample = sample(folder.resolve(language + ".tsv"));
            samples.put(language, sample);
            training.addAll(sample.train());
            trainingBytes += String.join("", sample.train()).getBytes(StandardCharsets.UTF_8).length;
        }

        BpeTrainingResult result = new BpeTrainer(BpeTrainerConfig.builder().vocabSize(4096).minFrequency(2).build())
                .trainWithDetails(training);
        Gpt2BpeTokenizer tokenizer = result.tokenizer();

        System.out.printf("BPE training: %,d bytes, %,d words (%,d distinct), vocab %d: counting %d ms, merging %d ms%n",
                trainingBytes, result.totalWords(), result.words().size(), tokenizer.vocabSize(),
                result.countingTime().toMillis(), result.mergingTime().toMillis());
        assertThat(tokenizer.vocabSize()).isEqualTo(4096);
        assertThat(result.countingTime().plus(result.mergingTime())).isLessThan(Duration.ofMinutes(1));
        System.out.println("language  tokens/byte (held-out 50 KB)  tokens/byte (training sample)");
        for (Map.Entry<String, Sample> entry : samples.entrySet()) {
            String language = entry.getKey();
            String heldOut = String.join("", entry.getValue().heldOut());
            String seen = String.join("", entry.getValue().train());
            int[] tokens = tokenizer.encode(heldOut);
            double perByte = (double) tokens.length / heldOut.getBytes(StandardCharsets.UTF_8).length;
            double seenPerByte = (double) tokenizer.encode(seen).length / seen.getBytes(StandardCharsets.UTF_8).length;
            System.out.printf("%-8s  %.3f                          %.3f%n", language, perByte, seenPerByte);

            assertThat(tokenizer.decode(tokens)).as(language).isEqualTo(heldOut);
            assertThat(perByte).as("%s tokens per byte", language).isLessThan(0.6);
            if (CJK.contains(language)) {
                // Of the tokens carrying non-ASCII bytes, most hold whole characters rather than single bytes.
                int[] nonAscii = Arrays.stream(tokens).filter(t -> hasNonAscii(tokenizer.tokenBytes(t))).toArray();
                long whole = Arrays.stream(nonAscii)
                        .filter(t -> holdsWholeThreeByteCharacter(tokenizer.tokenBytes(t))).count();
                double bytesPerToken = Arrays.stream(nonAscii).map(t -> tokenizer.tokenBytes(t).length).average()
                        .orElse(0);
                System.out.printf("%-8s  %d non-ASCII tokens: %.2f bytes each, %.1f%% hold a whole 3-byte character%n",
                        language, nonAscii.length, bytesPerToken, 100.0 * whole / nonAscii.length);
                // Raw bytes would be 1 byte a token and 0% whole characters; 4096 tokens shared by 19
                // languages cannot hold every Hangul syllable or kanji, so not all are whole.
                assertThat(bytesPerToken).as("%s bytes per non-ASCII token", language).isGreaterThan(2.0);
                assertThat((double) whole / nonAscii.length).as(language).isGreaterThan(0.4);
            }
        }
        long mismatches = result.words().stream()
                .filter(w -> !Arrays.equals(tokenizer.encode(w), result.segmentation(w))).count();
        System.out.printf("engine encoding differs from training's segmentation for %d of %d words%n",
                mismatches, result.words().size());
        assertThat(mismatches).isZero();
    }
}
