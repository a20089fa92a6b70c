package dev.specula.cli;

import dev.specula.cli.alignment.ModelFamily;
import dev.specula.train.loop.DistillationObjective;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The models the mesh runs out of the box: Specula's multilingual family in {@code <project home>/models}
 * (see {@code models/README.md}): {@code specula-target.gguf} as target (tokenizer embedded), the general
 * drafter, and every specialised drafter present, all distilled with {@link #METHOD}.
 *
 * @param target            the target model file
 * @param targetTokenizer   its llama2.c tokenizer, only for a llama2.c {@code .bin} target ({@code bench mesh
 *                          --target}); null for GGUF, which embeds it
 * @param generalDrafter    the drafter of every language: the router's default route
 * @param languageDrafters  ISO 639-1 code → the drafter specialised for it, in {@link #LANGUAGES} order; the
 *                          router tries it first for that language, then the general drafter
 * @param otherDrafters     further drafters the mesh hosts on no route: requests name them ({@code drafter}); the
 *                          family has none, tests add some
 */
public record DefaultModels(Path target, Path targetTokenizer, Path generalDrafter,
                            Map<String, Path> languageDrafters, List<Path> otherDrafters) {

    /**
     * The distillation method of the drafters the mesh runs. Both are shipped; this is the one the alignment
     * report measured best (flip it after measuring: nothing else names a method).
     */
    public static final DistillationObjective.Method METHOD = DistillationObjective.Method.KL;

    /**
     * How many times {@link #withWidenedTarget} widens the family target: 4 makes its 14.2M parameters 214M (227 MB
     * in Q8_0), too large for the caches, so a decode step is bound by memory bandwidth, as a large target's is.
     */
    public static final int WIDENING = 4;

    /** What the demo and benchmarks say the widened target is. */
    public static final String WIDENED_TARGET_NOTE = "the family target's outputs at a larger model's cost, standing in"
            + " for the larger targets speculation is for";

    /** The languages the family has specialised drafters for ({@code models/train-family.sh}). */
    public static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "ru", "ja", "zh");

    /**
     * The languages the router's detector chooses among: every language of the training corpus (Lingua knows
     * them all). A prompt in one without a specialised drafter goes to the general drafter.
     */
    public static final List<String> DETECT_LANGUAGES = List.of("ca", "cs", "da", "de", "el", "en", "es", "fr", "id",
            "it", "ja", "ko", "nl", "pt", "ro", "ru", "sv", "vi", "zh");

    public DefaultModels {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(generalDrafter, "generalDrafter");
        languageDrafters = Collections.unmodifiableMap(new LinkedHashMap<>(languageDrafters));
        otherDrafters = List.copyOf(otherDrafters);
    }

    /** The project root: {@code -Dspecula.home} (set by the launcher), else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("specula.home", ".")).toAbsolutePath().normalize();
    }

    /** The family in {@code <home>/models}; see {@link #in(Path)}. */
    public static DefaultModels find() throws IOException {
        return in(home().resolve("models"));
    }

    /**
     * The family in {@code folder}: the target and the general drafter must be there; the specialised drafters
     * are taken when present.
     *
     * @throws IOException naming every missing required file
     */
    public static DefaultModels in(Path folder) throws IOException {
        ModelFamily family = new ModelFamily(folder);
        Path target = family.target();
        Path general = family.drafter("general", METHOD);
        List<String> missing = new ArrayList<>();
        for (Path required : List.of(target, general)) {
            if (!Files.isRegularFile(required)) {
                missing.add(required.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("default models: " + String.join(", ", missing) + " not found (expected: the model"
                    + " family in " + folder + ", at least " + ModelFamily.TARGET + " and "
                    + general.getFileName() + "; see models/README.md)");
        }
        Map<String, Path> byLanguage = new LinkedHashMap<>();
        for (String language : LANGUAGES) {
            Path drafter = family.drafter(language, METHOD);
            if (Files.isRegularFile(drafter)) {
                byLanguage.put(language, drafter);
            }
        }
        return new DefaultModels(target, null, general, byLanguage, List.of());
    }

    /**
     * These models with the target widened {@link #WIDENING} times ({@link WidenedTarget}: the same greedy outputs,
     * a larger model's cost), made in the cache on first use.
     *
     * @param progress told when the widened target has to be made
     */
    public DefaultModels withWidenedTarget(Consumer<String> progress) throws IOException {
        return withWidenedTarget(WIDENING, WidenedTarget.cacheDir(), progress);
    }

    /** These models with the target widened {@code factor} times, cached in {@code cacheDir} (see {@link WidenedTarget}). */
    public DefaultModels withWidenedTarget(int factor, Path cacheDir, Consumer<String> progress) throws IOException {
        if (targetTokenizer != null) {
            throw new IllegalArgumentException("target " + target + ": a llama2.c model (expected: GGUF to widen)");
        }
        Path widened = WidenedTarget.obtain(target, factor, cacheDir, progress);
        return new DefaultModels(widened, null, generalDrafter, languageDrafters, otherDrafters);
    }

    /** These models, with {@code drafter} hosted as well, on no route. */
    public DefaultModels withOtherDrafter(Path drafter) {
        List<Path> others = new ArrayList<>(otherDrafters);
        others.add(drafter);
        return new DefaultModels(target, targetTokenizer, generalDrafter, languageDrafters, others);
    }

    /** Every drafter the mesh hosts, each once: the general one, the specialised ones, then the others. */
    public List<Path> drafters() {
        Set<Path> all = new LinkedHashSet<>();
        all.add(generalDrafter);
        all.addAll(languageDrafters.values());
        all.addAll(otherDrafters);
        return List.copyOf(all);
    }
}
