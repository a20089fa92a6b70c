package dev.specula.train.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a Debian Reference text file into chapters. The text is the html book rendered as plain text: body
 * text is indented, headings start in column 0, and a chapter starts with a heading that names it in the
 * book's language ({@code Chapter 1. GNU/Linux tutorials}, {@code Kapitel 1.}, {@code Chapitre 1.},
 * {@code Capítulo 1.}, {@code Capitolo 1.}, {@code 第1章}, {@code 第 1 章}) and the appendix likewise
 * ({@code Appendix A.}, {@code Anhang A.}, {@code Annexe A.}, {@code Apéndice A.}, {@code Appendice A.},
 * {@code Apêndice A.}, {@code 付録A}, {@code 附录 A.}). The table of contents lists chapters as {@code 1. ...}
 * without the word, so it never matches. The renderer puts no-break spaces (U+00A0) in headings, hence
 * {@code \h} (any horizontal space) in the patterns. Everything before chapter 1 (title page, contents, preface) is the
 * document {@code front}; chapters are {@code chapter-01}, ...; appendices {@code appendix-A}, ... The
 * documents together are the whole file: every line is in exactly one of them.
 */
final class ReferenceReader {

    static final String FRONT = "front";

    private static final Pattern CHAPTER = Pattern.compile(
            "^(?:(?:Chapter|Kapitel|Chapitre|Capítulo|Capitolo)\\h(\\d{1,3})\\.(?:\\h|$)|第\\h?(\\d{1,3})\\h?章)");
    private static final Pattern APPENDIX = Pattern.compile(
            "^(?:(?:Appendix|Anhang|Annexe|Apéndice|Appendice|Apêndice|附录)\\h?([A-Z])\\.(?:\\h|$)|付録([A-Z])(?:\\h|$))");

    private ReferenceReader() {
    }

    /** The id of chapter {@code number}, zero-padded so that ids sort in book order. */
    static String chapterId(int number) {
        return "chapter-%02d".formatted(number);
    }

    static String appendixId(char letter) {
        return "appendix-" + letter;
    }

    static List<CorpusDocument> read(Path file) {
        List<CorpusDocument> documents = new ArrayList<>();
        String id = FRONT;
        StringBuilder text = new StringBuilder();
        int lastChapter = 0;
        char lastAppendix = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                String nextId = null;
                Matcher chapter = CHAPTER.matcher(line);
                Matcher appendix = APPENDIX.matcher(line);
                if (chapter.find()) {
                    int number = Integer.parseInt(chapter.group(1) != null ? chapter.group(1) : chapter.group(2));
                    // Out-of-order numbers mean a body line was taken for a heading: better to stop than to misfile text.
                    if (lastAppendix != 0 || number != lastChapter + 1) {
                        throw new CorpusFormatException(file, lineNumber, "chapter heading \"" + line + "\" (expected: chapter "
                                + (lastAppendix != 0 ? "headings before the appendices" : String.valueOf(lastChapter + 1)) + ")");
                    }
                    lastChapter = number;
                    nextId = chapterId(number);
                } else if (appendix.find()) {
                    char letter = (appendix.group(1) != null ? appendix.group(1) : appendix.group(2)).charAt(0);
                    char expected = lastAppendix == 0 ? 'A' : (char) (lastAppendix + 1);
                    if (letter != expected) {
                        throw new CorpusFormatException(file, lineNumber,
                                "appendix heading \"" + line + "\" (expected: appendix " + expected + ")");
                    }
                    lastAppendix = letter;
                    nextId = appendixId(letter);
                }
                if (nextId != null) {
                    if (!text.isEmpty()) {
                        documents.add(new CorpusDocument(id, CorpusSource.DEBIAN_REFERENCE, text.toString()));
                    }
                    id = nextId;
                    text.setLength(0);
                }
                text.append(line).append('\n');
            }
        } catch (CharacterCodingException e) {
            throw new CorpusFormatException(file, "not UTF-8 (expected: UTF-8 text)", e);
        } catch (IOException e) {
            throw new CorpusFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (lastChapter == 0) {
            throw new CorpusFormatException(file, "no chapter headings (expected: lines such as \"Chapter 1. Title\","
                    + " \"Kapitel 1. Titel\" or \"第1章 ...\" in column 0)");
        }
        documents.add(new CorpusDocument(id, CorpusSource.DEBIAN_REFERENCE, text.toString()));
        return List.copyOf(documents);
    }
}
