package dev.specula.cli.train;

import dev.specula.train.data.Corpus;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The corpus folder and the languages a command uses. */
final class CorpusOption {

    @Option(names = "--corpus", description = "Corpus root (default: ../shared/corpus beside the project).")
    Path root;

    @Option(names = "--languages", split = ",", description = "Languages to use (default: every corpus language).")
    List<String> languages;

    Corpus load() {
        Path home = Path.of(System.getProperty("specula.home", "."));
        return Corpus.load(root != null ? root : home.resolve(Corpus.DEFAULT_ROOT).normalize());
    }

    /** The chosen languages, checked against the corpus. */
    List<String> languages(Corpus corpus) {
        if (languages == null || languages.isEmpty()) {
            return corpus.languages();
        }
        for (String lang : languages) {
            if (!corpus.languages().contains(lang)) {
                throw new IllegalArgumentException("--languages: " + lang + " (expected: one of " + corpus.languages() + ")");
            }
        }
        return languages;
    }
}
