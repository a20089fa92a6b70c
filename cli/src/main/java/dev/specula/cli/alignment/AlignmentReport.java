package dev.specula.cli.alignment;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * The outcome of one alignment-report run, with what a reader needs to reproduce it.
 *
 * @param options   what was evaluated and how
 * @param command   the command line as typed
 * @param date      when the run started
 * @param machine   cores, CPU, OS and the backend, in one line
 * @param languages per-language results, in the order evaluated
 */
public record AlignmentReport(AlignmentOptions options, String command, ZonedDateTime date, String machine,
                              List<LanguageResult> languages) {

    public AlignmentReport {
        languages = List.copyOf(languages);
    }
}
