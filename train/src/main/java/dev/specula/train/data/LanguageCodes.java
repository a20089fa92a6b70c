package dev.specula.train.data;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises the language part of a corpus file name to one code per language, so that the guide's
 * {@code zh_CN.tsv} and the reference's {@code zh-cn.txt} are both {@code zh}: lower case, region dropped.
 */
public final class LanguageCodes {

    private static final Pattern CODE = Pattern.compile("[a-z]{2,3}([_-][a-z0-9]{2,8})*", Pattern.CASE_INSENSITIVE);

    private LanguageCodes() {
    }

    /**
     * The primary language subtag in lower case: {@code zh_CN}, {@code zh-cn} and {@code ZH} all give {@code zh}.
     *
     * @throws IllegalArgumentException when {@code code} is not a language tag such as {@code en}, {@code pt_BR}
     */
    public static String normalise(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("language code: " + (code == null ? "null" : "\"" + code + "\"")
                    + " (expected: a language tag such as en, zh_CN or zh-cn)");
        }
        return code.split("[_-]", 2)[0].toLowerCase(Locale.ROOT);
    }

    /** Whether a file name stem is a language tag (so {@code COPYRIGHT.installation-guide} is not). */
    static boolean isLanguageTag(String stem) {
        return CODE.matcher(stem).matches();
    }
}
