package dev.specula.router.language;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;

import java.util.Locale;
import java.util.Optional;

/** ISO 639-1 codes ("de", "ja") of the languages Lingua knows. */
public final class LanguageCodes {

    private LanguageCodes() {
    }

    /**
     * The Lingua language of an ISO 639-1 code, case-insensitive; empty when the code is not one Lingua
     * knows (it knows 75 languages).
     */
    public static Optional<Language> language(String code) {
        if (code == null || code.length() != 2) {
            return Optional.empty();
        }
        IsoCode639_1 iso;
        try {
            iso = IsoCode639_1.valueOf(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Language language : Language.values()) {
            if (language != Language.UNKNOWN && language.getIsoCode639_1() == iso) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code code} is an ISO 639-1 code Lingua knows. */
    public static boolean isKnown(String code) {
        return language(code).isPresent();
    }

    /** The lower-case ISO 639-1 code of a Lingua language. */
    public static String code(Language language) {
        return language.getIsoCode639_1().name().toLowerCase(Locale.ROOT);
    }
}
