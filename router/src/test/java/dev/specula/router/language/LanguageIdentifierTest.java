package dev.specula.router.language;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanguageIdentifierTest {

    private static LanguageIdentifier identifier;

    @BeforeAll
    static void build() {
        identifier = new LanguageIdentifier(List.of("en", "de", "fr", "es", "ru", "ja", "zh", "it", "pt", "uk"), "en", false);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            en | Tom went to the market to buy some apples, but the shop was already closed.
            de | Tom ging zum Markt, um Äpfel zu kaufen, aber der Laden war schon geschlossen.
            fr | Tom est allé au marché pour acheter des pommes, mais le magasin était déjà fermé.
            es | Tom fue al mercado a comprar manzanas, pero la tienda ya estaba cerrada.
            it | Tom è andato al mercato a comprare delle mele, ma il negozio era già chiuso.
            pt | O Tom foi ao mercado comprar maçãs, mas a loja já estava fechada.
            ru | Том пошёл на рынок купить яблок, но магазин был уже закрыт.
            uk | Том пішов на ринок купити яблука, але крамниця вже була зачинена.
            ja | トムはリンゴを買いに市場へ行きましたが、店はもう閉まっていました。
            zh | 汤姆去市场买苹果，但是商店已经关门了。
            """)
    void identify_sentence_itsLanguage(String expected, String sentence) {
        assertThat(identifier.identify(sentence)).isEqualTo(expected);
    }

    @Test
    void identify_noLetters_fallback() {
        assertThat(identifier.identify("12345 + 678 = ?")).isEqualTo("en");
    }

    @Test
    void identify_languageNotConfigured_nearestConfiguredOne() {
        LanguageIdentifier deOrEn = new LanguageIdentifier(List.of("de", "en"), "en", true);
        assertThat(deOrEn.identify("Das ist ein Haus.")).isEqualTo("de");
        assertThat(deOrEn.knows("fr")).isFalse();
        assertThat(deOrEn.knownCodes()).containsExactly("de", "en");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            pl | Debian to wolny system operacyjny, który możesz zainstalować na swoim komputerze.
            pl | Tomek poszedł na targ kupić jabłka, ale sklep był już zamknięty.
            fi | Suomi on kaunis maa, jossa on paljon järviä.
            tr | Türkçe bir metin yazıyorum, bakalım ne olacak.
            """)
    void identify_languageNotServed_unknown(String language, String sentence) {
        LanguageIdentifier corpus = new LanguageIdentifier(List.of("ca", "cs", "da", "de", "el", "en", "es", "fr", "id",
                "it", "ja", "ko", "nl", "pt", "ro", "ru", "sv", "vi", "zh"), "en", false);
        assertThat(corpus.identify(sentence)).as(language).isEqualTo(LanguageIdentifier.UNKNOWN);
    }

    @Test
    void identify_servedLanguageCloseToAnUnservedOne_staysServed() {
        LanguageIdentifier withoutUkrainian = new LanguageIdentifier(List.of("en", "de", "ru"), "en", false);
        assertThat(withoutUkrainian.identify("Том пошёл на рынок купить яблок, но магазин был уже закрыт.")).isEqualTo("ru");
        assertThat(withoutUkrainian.identify("Wie installiere ich Debian auf meinem Rechner?")).isEqualTo("de");
        assertThat(withoutUkrainian.identify("Was ist Debian?")).as("too short to screen").isEqualTo("de");
    }

    @Test
    void identify_oneLanguage_alwaysIt() {
        LanguageIdentifier only = new LanguageIdentifier(List.of("de"), "en", false);
        assertThat(only.identify("The house is red.")).isEqualTo("de");
        assertThat(only.knownCodes()).containsExactly("de", "en");
    }

    @Test
    void identify_longPrompt_readsOnlyTheStart() {
        String prompt = "Der Hund schläft im Garten unter dem großen Baum. ".repeat(20) + "x".repeat(100_000);
        assertThat(identifier.identify(prompt)).isEqualTo("de");
    }

    @Test
    void new_unknownCode_rejectedNamingIt() {
        assertThatThrownBy(() -> new LanguageIdentifier(List.of("en", "xx"), "en", true))
                .hasMessageContaining("'xx'");
        assertThatThrownBy(() -> new LanguageIdentifier(List.of("en", "de"), "qq", true))
                .hasMessageContaining("fallback: 'qq'");
    }

    @Test
    void languageCodes_caseInsensitiveAndRoundTrip() {
        assertThat(LanguageCodes.language("DE")).isPresent();
        assertThat(LanguageCodes.code(LanguageCodes.language("ja").orElseThrow())).isEqualTo("ja");
        assertThat(LanguageCodes.isKnown("xx")).isFalse();
        assertThat(LanguageCodes.isKnown("none")).isFalse();
        assertThat(LanguageCodes.isKnown(null)).isFalse();
    }
}
