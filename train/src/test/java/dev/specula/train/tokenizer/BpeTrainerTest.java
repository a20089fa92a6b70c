package dev.specula.train.tokenizer;

import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.engine.tokenizer.TokenType;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link BpeTrainer} on small synthetic and multilingual texts. */
class BpeTrainerTest {

    /** A few sentences per script, repeated so that whole words become tokens. */
    static final List<String> MULTILINGUAL = List.of(
            "The installer asks a few questions, then installs the base system.",
            "Der Installer stellt einige Fragen und installiert dann das Grundsystem.",
            "Le programme d'installation pose quelques questions, puis installe le système de base.",
            "Программа установки задаёт несколько вопросов, затем устанавливает базовую систему.",
            "Το πρόγραμμα εγκατάστασης κάνει μερικές ερωτήσεις και εγκαθιστά το βασικό σύστημα.",
            "インストーラはいくつか質問をしてから、ベースシステムをインストールします。",
            "安装程序会询问几个问题，然后安装基本系统。",
            "설치 프로그램은 몇 가지 질문을 한 다음 기본 시스템을 설치합니다.",
            "Trình cài đặt hỏi vài câu hỏi rồi cài đặt hệ thống cơ bản. 🦙🐧✨ 2024-05-08\n\tok");

    /** Texts to round-trip: the training sentences and text training never saw, in many scripts. */
    static final List<String> ROUND_TRIP = Stream.concat(MULTILINGUAL.stream(), Stream.of(
            "", " ", "  two  spaces  ", "line1\nline2\r\n\n", "<s>not a control token</s>",
            "Съешь же ещё этих мягких французских булок", "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία",
            "色は匂へど散りぬるを", "天地玄黄，宇宙洪荒。", "다람쥐 헌 쳇바퀴에 타고파", "עברית וערבية",
            "emoji 👩‍👩‍👧‍👦 🇩🇪 🦙🦙🦙 and ZWJ", "math ∀x∈ℝ: x²≥0", "\u0000\u0001\u007F control bytes",
            "unpaired surrogate \uD800 becomes ?".replace("\uD800", "?"))).toList();

    private static BpeTrainer trainer(int vocabSize, int minFrequency) {
        return new BpeTrainer(BpeTrainerConfig.builder().vocabSize(vocabSize).minFrequency(minFrequency).build());
    }

    private static List<String> repeated(List<String> texts, int times) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.addAll(texts);
        }
        return out;
    }

    @Test
    void train_smallText_firstMergesAreTheMostFrequentPairsWithTiesByBytes() {
        // Pairs: a b ×6, b a ×3, Ġ a ×2, Ġ c ×1, c d ×1; after "a b": ab ab ×3, Ġ ab ×2; then Ġ abab ×2;
        // then two pairs with count 1, "Ġ c" before "c d" because 0x20 sorts before 'c'.
        Gpt2BpeTokenizer tokenizer = trainer(2 + 256 + 5, 1).train(List.of("abab abab abab cd"));

        assertThat(tokenizer.merges()).containsExactly("a b", "ab ab", "Ġ abab", "Ġ c", "Ġc d");
        assertThat(tokenizer.piece(258)).isEqualTo("ab");
        assertThat(tokenizer.piece(262)).isEqualTo("Ġcd");
        assertThat(tokenizer.encode("abab abab cd")).containsExactly(259, 260, 262);
    }

    @Test
    void train_minFrequency_stopsBeforeRarePairs() {
        Gpt2BpeTokenizer tokenizer = trainer(4096, 2).train(List.of("abab abab abab cd"));

        assertThat(tokenizer.merges()).containsExactly("a b", "ab ab", "Ġ abab");
        assertThat(tokenizer.vocabSize()).isEqualTo(2 + 256 + 3);
    }

    @Test
    void train_vocabulary_specialsThenBytesThenMergesWithoutRepeats() {
        BpeTrainerConfig config = BpeTrainerConfig.builder().vocabSize(600).minFrequency(2).unknownToken(true).build();
        Gpt2BpeTokenizer tokenizer = new BpeTrainer(config).train(repeated(MULTILINGUAL, 3));

        assertThat(tokenizer.vocabSize()).isEqualTo(600);
        assertThat(tokenizer.merges()).hasSize(600 - 3 - 256);
        assertThat(List.of(tokenizer.piece(0), tokenizer.piece(1), tokenizer.piece(2)))
                .containsExactly("<unk>", "<s>", "</s>");
        assertThat(tokenizer.tokenType(0)).isEqualTo(TokenType.UNKNOWN);
        assertThat(tokenizer.tokenType(1)).isEqualTo(TokenType.CONTROL);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.piece(3 + ' ')).isEqualTo("Ġ");
        Set<String> pieces = new HashSet<>();
        for (int t = 0; t < tokenizer.vocabSize(); t++) {
            assertThat(pieces.add(tokenizer.piece(t))).as("piece %d repeated", t).isTrue();
        }
        for (int i = 0; i < tokenizer.merges().size(); i++) {
            assertThat(tokenizer.piece(3 + 256 + i)).isEqualTo(tokenizer.merges().get(i).replace(" ", ""));
        }
    }

    @Test
    void train_multilingual_decodeOfEncodeGivesTheTextBack() {
        Gpt2BpeTokenizer tokenizer = trainer(700, 2).train(repeated(MULTILINGUAL, 3));

        for (String text : ROUND_TRIP) {
            int[] tokens = tokenizer.encode(text);
            assertThat(tokenizer.decode(tokens)).as(text).isEqualTo(text);
            assertThat(tokens).doesNotContain(tokenizer.bosId(), tokenizer.eosId());
        }
        // Training did learn something: a repeated sentence takes far fewer tokens than bytes.
        String seen = MULTILINGUAL.get(5);
        assertThat(tokenizer.encode(seen).length).isLessThan(seen.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 4);
    }

    /** Random words over a small alphabet with repeats ("aaaa") and multi-byte letters, to stress overlaps. */
    private static List<String> randomWords(long seed, int count) {
        String[] alphabet = {"a", "a", "a", "b", "b", "c", "é", "ж", "語", "🦙", " ", "1", "'s"};
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                s.append(alphabet[random.nextInt(alphabet.length)]);
            }
            texts.add(s.toString());
        }
        return texts;
    }

    @Test
    void trainWithDetails_everyTrainingWord_engineEncodesAsTrainingSegmentedIt() {
        List<String> texts = new ArrayList<>(randomWords(7, 20_000));
        texts.addAll(repeated(MULTILINGUAL, 3));
        BpeTrainingResult result = trainer(1500, 1).trainWithDetails(texts);
        Gpt2BpeTokenizer tokenizer = result.tokenizer();

        assertThat(tokenizer.vocabSize()).isEqualTo(1500);
        assertThat(result.words()).hasSizeGreaterThan(1000);
        for (String word : result.words()) {
            assertThat(tokenizer.encode(word)).as(word).containsExactly(result.segmentation(word));
        }
    }

    @Test
    void train_sameTextInAnotherOrder_sameVocabularyAndMerges() {
        List<String> texts = new ArrayList<>(randomWords(3, 5_000));
        texts.addAll(repeated(MULTILINGUAL, 2));
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new Random(11));

        Gpt2BpeTokenizer first = trainer(900, 1).train(texts);
        Gpt2BpeTokenizer second = trainer(900, 1).train(shuffled.stream());

        assertThat(second.merges()).isEqualTo(first.merges());
        assertThat(second.toGgufMetadata()).isEqualTo(first.toGgufMetadata());
    }

    @Test
    void train_ggufMetadataRoundTrip_sameEncodings() {
        Gpt2BpeTokenizer original = trainer(700, 2).train(repeated(MULTILINGUAL, 3));

        Tokenizer copy = Tokenizers.fromGguf(new GgufMetadata(original.toGgufMetadata()), Path.of("trained.gguf"));

        assertThat(copy).isInstanceOf(Gpt2BpeTokenizer.class);
        assertThat(copy.vocabSize()).isEqualTo(original.vocabSize());
        assertThat(copy.bosId()).isEqualTo(original.bosId());
        assertThat(copy.eosId()).isEqualTo(original.eosId());
        for (String text : ROUND_TRIP) {
            assertThat(copy.encode(text)).as(text).containsExactly(original.encode(text));
            assertThat(copy.decode(copy.encode(text))).as(text).isEqualTo(text);
        }
    }

    @Test
    void train_emptyText_onlySpecialsAndBytes() {
        Gpt2BpeTokenizer tokenizer = trainer(4096, 1).train(List.of());

        assertThat(tokenizer.vocabSize()).isEqualTo(258);
        assertThat(tokenizer.merges()).isEmpty();
        assertThat(tokenizer.decode(tokenizer.encode("any text ✓"))).isEqualTo("any text ✓");
    }

    @Test
    void config_tooSmallVocabulary_throwsNamingTheField() {
        assertThatThrownBy(() -> BpeTrainerConfig.builder().vocabSize(258).unknownToken(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabSize: 258 (expected: >= 259");
        assertThatThrownBy(() -> BpeTrainerConfig.builder().minFrequency(0).build())
                .hasMessageContaining("minFrequency: 0 (expected: >= 1)");
    }
}
