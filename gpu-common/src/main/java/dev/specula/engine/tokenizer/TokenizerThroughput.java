package dev.specula.engine.tokenizer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures how fast a tokenizer encodes multilingual prose on one thread: the paragraphs of the Installation
 * Guide in all its languages ({@code corpus/installation-guide/*.tsv}), taken in turn from each language.
 *
 * <p>Rates are given per second of wall-clock time and per second of the encoding thread's CPU time: on a
 * machine shared with other work the thread waits for a core, and its CPU time is the fairer measure.
 *
 * @param bytes       UTF-8 bytes of the text encoded per pass
 * @param tokens      tokens it encodes to
 * @param coldMBps    MB/s (10^6 bytes, wall clock) of the first timed pass, started with the word memo empty
 * @param coldCpuMBps the same per second of the thread's CPU time
 * @param warmMBps    MB/s (wall clock) of the best later pass, with the memo filled
 * @param warmCpuMBps the best later pass per second of the thread's CPU time
 */
public record TokenizerThroughput(long bytes, int tokens, double coldMBps, double coldCpuMBps, double warmMBps,
                                  double warmCpuMBps) {

    /** Untimed passes first, so that the JIT has compiled the encoder before the timed ones. */
    private static final int WARM_UP_PASSES = 5;

    /**
     * About {@code bytes} UTF-8 bytes of paragraphs, one per line, taken round-robin from every language of
     * {@code corpusDir/installation-guide}, so every script of the corpus is in it.
     *
     * @throws IOException when the folder has no {@code .tsv} files or one cannot be read
     */
    public static String multilingualSample(Path corpusDir, int bytes) throws IOException {
        Path guide = corpusDir.resolve("installation-guide");
        List<List<String>> languages = new ArrayList<>();
        try (Stream<Path> files = Files.list(guide)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
                languages.add(Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .map(line -> line.substring(line.indexOf('\t') + 1)).toList());
            }
        }
        if (languages.isEmpty()) {
            throw new IOException(guide + ": no .tsv files (expected: the Installation Guide, one per language)");
        }
        StringBuilder out = new StringBuilder();
        long taken = 0;
        for (int line = 0; taken < bytes; line++) {
            boolean any = false;
            for (List<String> paragraphs : languages) {
                if (line < paragraphs.size() && taken < bytes) {
                    out.append(paragraphs.get(line)).append('\n');
                    taken += paragraphs.get(line).getBytes(StandardCharsets.UTF_8).length + 1;
                    any = true;
                }
            }
            if (!any) {
                break; // the corpus is smaller than asked
            }
        }
        return out.toString();
    }

    /**
     * Encodes {@code text} {@code passes} times after {@value #WARM_UP_PASSES} untimed passes; the first timed pass starts
     * with an empty word memo.
     */
    public static TokenizerThroughput measure(Tokenizer tokenizer, String text, int passes) {
        if (passes < 2) {
            throw new IllegalArgumentException("passes: " + passes + " (expected: at least 2, one cold and one warm)");
        }
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        for (int i = 0; i < WARM_UP_PASSES; i++) {
            clearMemo(tokenizer); // so that the JIT compiles the merging too, not only the memo's path
            tokenizer.encode(text);
        }
        clearMemo(tokenizer);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long wall = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        int tokens = tokenizer.encode(text).length;
        double cold = bytes * 1e3 / (System.nanoTime() - wall);
        double coldCpu = bytes * 1e3 / (threads.getCurrentThreadCpuTime() - cpu);
        double warm = 0;
        double warmCpu = 0;
        for (int i = 1; i < passes; i++) {
            wall = System.nanoTime();
            cpu = threads.getCurrentThreadCpuTime();
            tokenizer.encode(text);
            warm = Math.max(warm, bytes * 1e3 / (System.nanoTime() - wall));
            warmCpu = Math.max(warmCpu, bytes * 1e3 / (threads.getCurrentThreadCpuTime() - cpu));
        }
        return new TokenizerThroughput(bytes, tokens, cold, coldCpu, warm, warmCpu);
    }

    private static void clearMemo(Tokenizer tokenizer) {
        if (tokenizer instanceof Gpt2BpeTokenizer bpe) {
            bpe.clearWordMemo();
        }
    }
}
