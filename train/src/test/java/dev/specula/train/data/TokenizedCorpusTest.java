package dev.specula.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TokenizedCorpusTest {

    private static int[] run(int from, int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = from + i;
        }
        return tokens;
    }

    @Test
    void sampleWindows_twoLanguages_contiguousWindowsInProportionToSize() {
        TokenizedCorpus corpus = TokenizedCorpus.of(Map.of("aa", run(0, 1_000), "bb", run(100_000, 3_000)));
        int[] windows = corpus.sampleWindows(new SplittableRandom(1), 4_000, 8);
        int fromBb = 0;
        for (int w = 0; w < 4_000; w++) {
            for (int i = 1; i < 8; i++) {
                assertThat(windows[w * 8 + i]).isEqualTo(windows[w * 8] + i); // a contiguous run of one language
            }
            fromBb += windows[w * 8] >= 100_000 ? 1 : 0;
        }
        // bb holds 2992 of the 3984 possible window starts.
        assertThat(fromBb / 4_000.0).isCloseTo(2992 / 3984.0, within(0.03));
        assertThat(corpus.sampleWindows(new SplittableRandom(1), 50, 8))
                .containsExactly(corpus.sampleWindows(new SplittableRandom(1), 50, 8));
    }

    @Test
    void writeThenRead_roundTripsEveryLanguage(@TempDir Path dir) throws Exception {
        TokenizedCorpus corpus = TokenizedCorpus.of(Map.of("de", run(5, 17), "ja", run(70, 3)));
        corpus.write(dir.resolve("c.tokens"));
        TokenizedCorpus read = TokenizedCorpus.read(dir.resolve("c.tokens"));
        assertThat(read.languages()).containsExactlyInAnyOrder("de", "ja");
        assertThat(read.tokens("de")).containsExactly(run(5, 17));
        assertThat(read.tokens("ja")).containsExactly(run(70, 3));
        assertThat(read.size()).isEqualTo(20);
    }

    @Test
    void with_sameLanguage_keepsBothUnderDistinctNames() {
        TokenizedCorpus text = TokenizedCorpus.of(Map.of("de", run(0, 10)));
        TokenizedCorpus both = text.with(TokenizedCorpus.of(Map.of("de", run(50, 5))));
        assertThat(both.languages()).containsExactly("de", "de+");
        assertThat(both.size()).isEqualTo(15);
        assertThat(both.onlyLanguage("de+").tokens("de+")).containsExactly(run(50, 5));
    }

    @Test
    void sampleWindows_languageShorterThanWindow_namesTheLength() {
        TokenizedCorpus corpus = TokenizedCorpus.of(Map.of("aa", run(0, 5)));
        assertThatThrownBy(() -> corpus.sampleWindows(new SplittableRandom(1), 1, 8))
                .hasMessageContaining("length: 8 (expected: fewer than every language's 5 tokens)");
        assertThatThrownBy(() -> corpus.tokens("zz")).hasMessageContaining("language: zz");
    }
}
