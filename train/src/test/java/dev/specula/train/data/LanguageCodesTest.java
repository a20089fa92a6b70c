package dev.specula.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanguageCodesTest {

    @ParameterizedTest
    @CsvSource({"zh_CN,zh", "zh-cn,zh", "ZH,zh", "en,en", "pt_BR,pt", "de,de", "sr-Latn-RS,sr"})
    void normalise_tagWithRegion_givesLowerCasePrimaryLanguage(String code, String expected) {
        assertThat(LanguageCodes.normalise(code)).isEqualTo(expected);
    }

    @Test
    void normalise_notATag_throwsNamingTheCode() {
        assertThatThrownBy(() -> LanguageCodes.normalise("COPYRIGHT.installation-guide"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"COPYRIGHT.installation-guide\"")
                .hasMessageContaining("expected");
        assertThatThrownBy(() -> LanguageCodes.normalise("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isLanguageTag_copyrightFileStem_isFalse() {
        assertThat(LanguageCodes.isLanguageTag("COPYRIGHT.debian-reference")).isFalse();
        assertThat(LanguageCodes.isLanguageTag("zh-cn")).isTrue();
    }
}
