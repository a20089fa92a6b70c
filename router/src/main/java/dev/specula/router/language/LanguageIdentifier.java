package dev.specula.router.language;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Detects the language of a prompt among a configured set, with Lingua. Only the configured languages' models
 * are loaded, all of them when this is built, so that the first request is not slow: building it for seven
 * languages takes about 1.1 s and 140 MB of heap in high-accuracy mode, 0.2 s and 6 MB in low-accuracy mode
 * (measured once per process: Lingua keeps loaded models in static maps, so later builds are cheap).
 */
public final class LanguageIdentifier {

    private static final Logger LOG = Logger.getLogger(LanguageIdentifier.class.getName());
    /** Detection reads at most this many characters: accuracy stops improving long before, cost does not. */
    static final int MAX_DETECT_CHARS = 2_000;

    private static final AtomicBoolean measured = new AtomicBoolean();

    private final Set<String> codes;
    private final String fallback;
    private final LanguageDetector detector; // null when there is only one language to choose
    private final String only; // that language, when there is only one
    private final long buildMillis;
    private final long heapBytes;

    /**
     * @param codes        ISO 639-1 codes to choose among, each one Lingua knows
     * @param fallback     the code for text that cannot be detected (no letters, or Lingua undecided)
     * @param lowAccuracy  load only trigram models (less memory, worse on short text)
     */
    public LanguageIdentifier(List<String> codes, String fallback, boolean lowAccuracy) {
        Set<String> all = new LinkedHashSet<>();
        List<Language> languages = new ArrayList<>();
        for (String code : codes) {
            Language language = LanguageCodes.language(code).orElseThrow(() -> new IllegalArgumentException(
                    "codes: '" + code + "' (expected: an ISO 639-1 code Lingua knows)"));
            if (all.add(LanguageCodes.code(language))) {
                languages.add(language);
            }
        }
        if (LanguageCodes.language(fallback).isEmpty()) {
            throw new IllegalArgumentException("fallback: '" + fallback + "' (expected: an ISO 639-1 code Lingua knows)");
        }
        this.fallback = fallback;
        all.add(fallback);
        this.codes = Set.copyOf(all);

        Runtime runtime = Runtime.getRuntime();
        // Lingua keeps loaded models in static maps: only the first build of a process loads anything, so only
        // it is worth two full collections to measure.
        boolean measure = !measured.getAndSet(true);
        long heapBefore = measure ? usedHeap(runtime) : 0;
        long start = System.nanoTime();
        if (languages.size() >= 2) {
            LanguageDetectorBuilder builder = LanguageDetectorBuilder.fromLanguages(languages.toArray(Language[]::new));
            if (lowAccuracy) {
                builder = builder.withLowAccuracyMode();
            }
            this.detector = builder.withPreloadedLanguageModels().build();
            this.only = null;
        } else {
            this.only = languages.isEmpty() ? fallback : LanguageCodes.code(languages.getFirst());
            this.detector = null; // Lingua needs two languages to choose between; one needs no detection
        }
        this.buildMillis = (System.nanoTime() - start) / 1_000_000;
        this.heapBytes = measure ? Math.max(0, usedHeap(runtime) - heapBefore) : 0;
        LOG.info(() -> String.format("language detector: %s (%s accuracy), fallback %s, built in %d ms, heap +%.1f MB",
                languages.stream().map(LanguageCodes::code).toList(), lowAccuracy ? "low" : "high", fallback,
                buildMillis, heapBytes / 1048576.0));
    }

    private static long usedHeap(Runtime runtime) {
        System.gc(); // at start-up only: without it the heap figure is noise
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * The language of {@code text}: the detected code when it is one of the configured ones, the fallback
     * otherwise.
     */
    public String identify(String text) {
        if (detector == null) {
            return only;
        }
        String sample = text.length() > MAX_DETECT_CHARS ? text.substring(0, MAX_DETECT_CHARS) : text;
        Language language = detector.detectLanguageOf(sample);
        return language == Language.UNKNOWN ? fallback : LanguageCodes.code(language);
    }

    /** Whether {@code code} (lower-case) is one the router knows: configured, or the fallback. */
    public boolean knows(String code) {
        return codes.contains(code);
    }

    /** Every code the router knows, sorted. */
    public List<String> knownCodes() {
        return codes.stream().sorted().toList();
    }

    /** The fallback code. */
    public String fallback() {
        return fallback;
    }

    /** Milliseconds building the detector took (loading its models). */
    public long buildMillis() {
        return buildMillis;
    }

    /**
     * About how much heap the detector's models took when built; measured by the first detector of a process
     * only, 0 for later ones (they share the models already loaded, or load few).
     */
    public long heapBytes() {
        return heapBytes;
    }
}
