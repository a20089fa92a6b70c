package dev.specula.train.data;

import java.nio.file.Path;

/** A corpus file or folder that cannot be read as expected; the message names the file (and line) and the problem. */
public final class CorpusFormatException extends RuntimeException {

    public CorpusFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CorpusFormatException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }

    public CorpusFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
