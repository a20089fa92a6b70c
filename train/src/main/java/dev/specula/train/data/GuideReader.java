package dev.specula.train.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an Installation Guide file ({@code <source html file>\t<paragraph>}, one paragraph a line) into one
 * document per source html file, in the order the files first appear (the book's order), each document's
 * text being its paragraphs one a line.
 */
final class GuideReader {

    private GuideReader() {
    }

    static List<CorpusDocument> read(Path file) {
        // Grouped by name, not by runs of lines, so a file whose lines were reordered still gives whole documents.
        Map<String, StringBuilder> documents = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new CorpusFormatException(file, lineNumber,
                            "no tab (expected: <source html file>\\t<paragraph>)");
                }
                if (line.indexOf('\t', tab + 1) >= 0) {
                    throw new CorpusFormatException(file, lineNumber,
                            "more than one tab (expected: <source html file>\\t<paragraph>, the paragraph without tabs)");
                }
                String source = line.substring(0, tab);
                String paragraph = line.substring(tab + 1);
                if (source.isBlank()) {
                    throw new CorpusFormatException(file, lineNumber, "source file name is blank (expected: e.g. ch01.html)");
                }
                if (paragraph.isBlank()) {
                    throw new CorpusFormatException(file, lineNumber,
                            "paragraph of " + source + " is blank (expected: some text after the tab)");
                }
                documents.computeIfAbsent(source, s -> new StringBuilder()).append(paragraph).append('\n');
            }
        } catch (CharacterCodingException e) {
            throw new CorpusFormatException(file, "not UTF-8 (expected: UTF-8 text)", e);
        } catch (IOException e) {
            throw new CorpusFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (documents.isEmpty()) {
            throw new CorpusFormatException(file, "no paragraphs (expected: at least one <source html file>\\t<paragraph> line)");
        }
        List<CorpusDocument> result = new ArrayList<>(documents.size());
        documents.forEach((id, text) -> result.add(new CorpusDocument(id, CorpusSource.INSTALLATION_GUIDE, text.toString())));
        return List.copyOf(result);
    }
}
