package dev.specula.router.language;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Detects the language of a prompt among a configured set, with Lingua. Only the configured languages' models
 * are loaded, all of them when this is built, so that the first request is not slow: building it for seven
 * languages takes about 1.1 s and 140 MB of heap in high-accuracy mode, 0.2 s and 6 MB in low-accuracy mode
 * (measured once per process: Lingua keeps loaded models in static maps, so later builds are cheap).
 *
 * <p>A detector that only knows the configured languages calls every text one of them (Polish came out as
 * Indonesian or Czech), so a second, wide detector over every language Lingua knows (low-accuracy trigram models:
 * about 63 MB and 6 s to load once per process) screens texts of at least {@value #MIN_SCREEN_LETTERS} letters:
 * when it names a language that is not configured and rates the configured choice below
 * {@value #SCREEN_RELATIVE_CONFIDENCE} of that one, the text is {@link #UNKNOWN}. Shorter texts are not screened:
 * on them trigram models are unreliable ("Was ist Debian?" came out as Welsh).
 */
public final class LanguageIdentifier {

    private static final Logger LOG = Logger.getLogger(LanguageIdentifier.class.getName());
    /** Detection reads at most this many characters: accuracy stops improving long before, cost does not. */
    static final int MAX_DETECT_CHARS = 2_000;
    /** What {@link #identify} answers for a text in a language that is not configured. */
    public static final String UNKNOWN = "unknown";
    /** Texts with fewer letters than this are not screened for unconfigured languages. */
    static final int MIN_SCREEN_LETTERS = 20;
    /**
     * The wide detector's confidence in the configured choice, relative to its own top language, below which
     * that top language wins: Russian against Ukrainian scored 0.97-0.98, Polish against Indonesian 0.60-0.79.
     */
    static final double SCREEN_RELATIVE_CONFIDENCE = 0.85;

    private static final AtomicBoolean measured = new AtomicBoolean();

    private final Set<String> codes;
    private final String fallback;
    private final LanguageDetector detector; // null when there is only one language to choose
    private final String only; // that language, when there is only one
    private final LanguageDetector wide; // every language Lingua knows, low accuracy: finds unconfigured ones
    private final Set<Language> configured;
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
        this.configured = Set.copyOf(languages);
        this.wide = LanguageDetectorBuilder.fromAllLanguages().withLowAccuracyMode().withPreloadedLanguageModels().build();
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
     * The language of {@code text}: the detected configured language; {@link #UNKNOWN} when the text is in a
     * language that is not configured (see the class comment); the fallback when nothing can be detected.
     */
    public String identify(String text) {
        String sample = text.length() > MAX_DETECT_CHARS ? text.substring(0, MAX_DETECT_CHARS) : text;
        Language chosen;
        if (detector == null) {
            chosen = LanguageCodes.language(only).orElseThrow();
        } else {
            chosen = detector.detectLanguageOf(sample);
        }
        if (letters(sample) >= MIN_SCREEN_LETTERS) {
            SortedMap<Language, Double> confidence = wide.computeLanguageConfidenceValues(sample);
            if (!confidence.isEmpty() && !configured.contains(confidence.firstKey())
                    && confidence.getOrDefault(chosen, 0.0) < SCREEN_RELATIVE_CONFIDENCE) {
                return UNKNOWN;
            }
        }
        return chosen == Language.UNKNOWN ? fallback : LanguageCodes.code(chosen);
    }

    private static int letters(String text) {
        int n = 0;
        for (int i = 0; i < text.length() && n < MIN_SCREEN_LETTERS; i++) {
            if (Character.isLetter(text.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** Whether {@code code} (lower-case) is one the router serves: configured, or the fallback. */
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
