package dev.specula.cli.alignment;

import dev.specula.train.loop.DistillationObjective;

/**
 * A column of the report's tables: a general drafter, or the language's own specialised drafter, per method.
 * For a given language each column names one drafter file (or none, when the file is absent).
 */
public enum DrafterColumn {
    GENERAL_KL(true, DistillationObjective.Method.KL),
    GENERAL_TVD(true, DistillationObjective.Method.TVD),
    SPECIALISED_KL(false, DistillationObjective.Method.KL),
    SPECIALISED_TVD(false, DistillationObjective.Method.TVD);

    /** The scope of the general drafters in file names. */
    public static final String GENERAL_SCOPE = "general";

    private final boolean general;
    private final DistillationObjective.Method method;

    DrafterColumn(boolean general, DistillationObjective.Method method) {
        this.general = general;
        this.method = method;
    }

    public boolean general() {
        return general;
    }

    public DistillationObjective.Method method() {
        return method;
    }

    /** The file-name scope of this column's drafter for {@code language}: {@code general} or the language code. */
    public String scope(String language) {
        return general ? GENERAL_SCOPE : language;
    }

    /** The column header: {@code general-kl}, {@code specialised-tvd}, ... */
    public String header() {
        return (general ? "general" : "specialised") + "-" + method.id();
    }
}
