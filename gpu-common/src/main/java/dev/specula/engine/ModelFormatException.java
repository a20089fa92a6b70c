package dev.specula.engine;

import java.nio.file.Path;

/** A model or tokenizer file that cannot be used; the message names the file and the problem. */
public final class ModelFormatException extends RuntimeException {

    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
