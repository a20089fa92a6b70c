package dev.specula.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The multilingual training corpus: every language's documents from {@code installation-guide/<lang>.tsv} and
 * {@code debian-reference/<lang>.txt} under a root folder, and a {@link HeldOutSplit} of whole documents,
 * the same in every language, that are never trained on.
 *
 * <pre>{@code
 * Corpus corpus = Corpus.load(Corpus.DEFAULT_ROOT);
 * String train = corpus.trainText("de");      // tokenizer and model training
 * String eval = corpus.heldOutText("de");     // perplexity, acceptance rate
 * }</pre>
 */
public final class Corpus {

    /** The corpus beside the repository root, relative to it. */
    public static final Path DEFAULT_ROOT = Path.of("..", "shared", "corpus");

    private final Path root;
    private final HeldOutSplit split;
    private final Map<String, CorpusLanguage> languages; // sorted by code

    private Corpus(Path root, HeldOutSplit split, Map<String, CorpusLanguage> languages) {
        this.root = root;
        this.split = split;
        this.languages = Collections.unmodifiableMap(new TreeMap<>(languages));
    }

    /** Loads the corpus under {@code root} with the {@link HeldOutSplit#DEFAULT} split. */
    public static Corpus load(Path root) {
        return load(root, HeldOutSplit.DEFAULT);
    }

    /**
     * Loads every language file of both books under {@code root}. Files whose name is not a language tag
     * ({@code COPYRIGHT.installation-guide.txt}) are not languages and are skipped.
     *
     * @throws CorpusFormatException when a folder is missing, two files name the same language, or a file is
     *                               malformed (the message names the file and line)
     */
    public static Corpus load(Path root, HeldOutSplit split) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(split, "split");
        if (!Files.isDirectory(root)) {
            throw new CorpusFormatException(root, "no such folder (expected: the corpus root, holding "
                    + CorpusSource.INSTALLATION_GUIDE.folder() + "/ and " + CorpusSource.DEBIAN_REFERENCE.folder() + "/)");
        }
        Map<String, List<CorpusDocument>> documents = new TreeMap<>();
        for (CorpusSource source : CorpusSource.values()) {
            languageFiles(root, source).forEach((code, file) -> documents.computeIfAbsent(code, c -> new ArrayList<>())
                    .addAll(source == CorpusSource.INSTALLATION_GUIDE ? GuideReader.read(file) : ReferenceReader.read(file)));
        }
        Map<String, CorpusLanguage> languages = new TreeMap<>();
        documents.forEach((code, list) -> languages.put(code, new CorpusLanguage(code, list)));
        return new Corpus(root, split, languages);
    }

    /** The language files of {@code source}, by normalised code. */
    private static Map<String, Path> languageFiles(Path root, CorpusSource source) {
        Path folder = root.resolve(source.folder());
        if (!Files.isDirectory(folder)) {
            throw new CorpusFormatException(folder, "no such folder (expected: <lang>" + source.extension()
                    + " files of the " + source.folder() + " under the corpus root)");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path file : entries.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(source.extension()) || !Files.isRegularFile(file)) {
                    continue;
                }
                String stem = name.substring(0, name.length() - source.extension().length());
                if (!LanguageCodes.isLanguageTag(stem)) {
                    continue;
                }
                Path previous = files.put(LanguageCodes.normalise(stem), file);
                if (previous != null) {
                    throw new CorpusFormatException(file, "same language as " + previous.getFileName()
                            + " (expected: one file per language, " + LanguageCodes.normalise(stem) + ")");
                }
            }
        } catch (IOException e) {
            throw new CorpusFormatException(folder, "cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new CorpusFormatException(folder, "no language files (expected: <lang>" + source.extension()
                    + ", e.g. en" + source.extension() + ")");
        }
        return files;
    }

    /** The folder the corpus was loaded from. */
    public Path root() {
        return root;
    }

    /** The held-out split in use. */
    public HeldOutSplit split() {
        return split;
    }

    /** The normalised language codes, sorted. */
    public List<String> languages() {
        return List.copyOf(languages.keySet());
    }

    /** The languages that have {@code source}, sorted. */
    public List<String> languages(CorpusSource source) {
        return languages.values().stream().filter(l -> l.sources().contains(source)).map(CorpusLanguage::code).toList();
    }

    /**
     * One language's documents; {@code code} may be given un-normalised ({@code zh_CN}).
     *
     * @throws IllegalArgumentException when the corpus lacks the language
     */
    public CorpusLanguage language(String code) {
        CorpusLanguage language = languages.get(LanguageCodes.normalise(code));
        if (language == null) {
            throw new IllegalArgumentException("language: \"" + code + "\" (expected: one of " + languages.keySet() + ")");
        }
        return language;
    }

    /** The documents of {@code lang} on side {@code side} of the split, in book order. */
    public List<CorpusDocument> documents(String lang, CorpusSplit side) {
        return language(lang).documents().stream().filter(d -> split.splitOf(d) == side).toList();
    }

    /** The documents of {@code lang} a model may be trained on. */
    public List<CorpusDocument> train(String lang) {
        return documents(lang, CorpusSplit.TRAIN);
    }

    /** The whole documents of {@code lang} held out from training. */
    public List<CorpusDocument> heldOut(String lang) {
        return documents(lang, CorpusSplit.HELD_OUT);
    }

    /** The training documents' texts, a blank line between documents. */
    public String trainText(String lang) {
        return join(train(lang));
    }

    /** The held-out documents' texts, a blank line between documents. */
    public String heldOutText(String lang) {
        return join(heldOut(lang));
    }

    private static String join(List<CorpusDocument> documents) {
        // Each text ends in a newline, so one more makes the document boundary a blank line.
        return String.join("\n", documents.stream().map(CorpusDocument::text).toList());
    }

    /** UTF-8 bytes of {@code lang}'s documents from {@code source} on side {@code side} of the split. */
    public long bytes(String lang, CorpusSource source, CorpusSplit side) {
        return documents(lang, side).stream().filter(d -> d.source() == source).mapToLong(CorpusDocument::bytes).sum();
    }

    /**
     * A Markdown table for a model card: per language, the UTF-8 bytes of each book on each side of the
     * split, the totals, and the held-out share; "-" where a language lacks a book.
     */
    public String describe() {
        StringBuilder table = new StringBuilder();
        table.append("| lang | guide train | guide held-out | reference train | reference held-out | train | held-out | held-out % |\n");
        table.append("|------|------------:|---------------:|----------------:|-------------------:|------:|---------:|-----------:|\n");
        Map<CorpusSplit, Long> totals = new EnumMap<>(CorpusSplit.class);
        for (CorpusLanguage language : languages.values()) {
            String lang = language.code();
            table.append("| ").append(lang);
            for (CorpusSource source : CorpusSource.values()) {
                for (CorpusSplit side : CorpusSplit.values()) {
                    table.append(" | ").append(language.sources().contains(source) ? bytes(lang, source, side) : "-");
                }
            }
            long train = 0;
            long heldOut = 0;
            for (CorpusSource source : CorpusSource.values()) {
                train += bytes(lang, source, CorpusSplit.TRAIN);
                heldOut += bytes(lang, source, CorpusSplit.HELD_OUT);
            }
            totals.merge(CorpusSplit.TRAIN, train, Long::sum);
            totals.merge(CorpusSplit.HELD_OUT, heldOut, Long::sum);
            table.append(" | ").append(train).append(" | ").append(heldOut).append(" | ")
                    .append(percent(heldOut, train + heldOut)).append(" |\n");
        }
        long train = totals.getOrDefault(CorpusSplit.TRAIN, 0L);
        long heldOut = totals.getOrDefault(CorpusSplit.HELD_OUT, 0L);
        table.append("| all |  |  |  |  | ").append(train).append(" | ").append(heldOut).append(" | ")
                .append(percent(heldOut, train + heldOut)).append(" |\n");
        return table.toString();
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * part / whole);
    }

    @Override
    public String toString() {
        return "Corpus[" + root + ", languages=" + languages.keySet() + "]";
    }
}
