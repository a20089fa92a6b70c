package dev.specula.train.data;

/** The two books of the corpus, each in its own folder under the corpus root with one file per language. */
public enum CorpusSource {

    /** {@code installation-guide/<lang>.tsv}: {@code <source html file>\t<paragraph>}, one paragraph a line. */
    INSTALLATION_GUIDE("installation-guide", ".tsv"),

    /** {@code debian-reference/<lang>.txt}: the whole book as plain text, split into chapters. */
    DEBIAN_REFERENCE("debian-reference", ".txt");

    private final String folder;
    private final String extension;

    CorpusSource(String folder, String extension) {
        this.folder = folder;
        this.extension = extension;
    }

    /** The folder under the corpus root, e.g. {@code installation-guide}. */
    public String folder() {
        return folder;
    }

    /** The file name ending of a language's file, with the dot, e.g. {@code .tsv}. */
    public String extension() {
        return extension;
    }
}
