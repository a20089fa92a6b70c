package dev.specula.train.data;

import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.train.kernel.Workers;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One side of the corpus as token ids, per language: every document encoded with BOS in front, back to back.
 * Training samples windows from it; evaluation reads it in order.
 */
public final class TokenizedCorpus {

    private final Map<String, int[]> tokens; // language → [tokens]

    private TokenizedCorpus(Map<String, int[]> tokens) {
        this.tokens = tokens;
    }

    /** Token arrays per language as they are (for target-generated text, and for tests). */
    public static TokenizedCorpus of(Map<String, int[]> tokens) {
        return new TokenizedCorpus(new LinkedHashMap<>(tokens));
    }

    /** Encodes {@code side} of {@code languages}, documents in parallel on {@code workers}. */
    public static TokenizedCorpus encode(Corpus corpus, CorpusSplit side, List<String> languages, Tokenizer tokenizer,
                                         Workers workers) {
        Map<String, int[]> tokens = new LinkedHashMap<>();
        for (String lang : languages) {
            List<CorpusDocument> documents = corpus.documents(lang, side);
            int[][] encoded = new int[documents.size()][];
            workers.forEach(documents.size(), d -> encoded[d] = tokenizer.encode(documents.get(d).text()));
            int total = 0;
            for (int[] doc : encoded) {
                total += doc.length + 1;
            }
            int[] all = new int[total];
            int at = 0;
            for (int[] doc : encoded) {
                all[at++] = tokenizer.bosId();
                System.arraycopy(doc, 0, all, at, doc.length);
                at += doc.length;
            }
            tokens.put(lang, all);
        }
        return new TokenizedCorpus(tokens);
    }

    /**
     * The tokens cached in {@code cache}, or encoded and written there first. The cache is only valid for the
     * same corpus, split, languages and tokenizer; callers name it after them.
     */
    public static TokenizedCorpus cached(Path cache, Corpus corpus, CorpusSplit side, List<String> languages,
                                        Tokenizer tokenizer, Workers workers) throws IOException {
        if (Files.isRegularFile(cache)) {
            return read(cache);
        }
        TokenizedCorpus encoded = encode(corpus, side, languages, tokenizer, workers);
        encoded.write(cache);
        return encoded;
    }

    /** Writes the tokens to {@code file} (through a temporary file, so a partial file is never left). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
            out.writeInt(tokens.size());
            for (Map.Entry<String, int[]> e : tokens.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (int t : e.getValue()) {
                    out.writeInt(t);
                }
            }
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads what {@link #write} wrote. */
    public static TokenizedCorpus read(Path cache) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
            int count = in.readInt();
            Map<String, int[]> tokens = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String lang = in.readUTF();
                int[] values = new int[in.readInt()];
                for (int j = 0; j < values.length; j++) {
                    values[j] = in.readInt();
                }
                tokens.put(lang, values);
            }
            return new TokenizedCorpus(tokens);
        }
    }

    /** Languages, in the order given at encoding. */
    public List<String> languages() {
        return new ArrayList<>(tokens.keySet());
    }

    /** The tokens of {@code lang}. */
    public int[] tokens(String lang) {
        int[] t = tokens.get(lang);
        if (t == null) {
            throw new IllegalArgumentException("language: " + lang + " (expected: one of " + tokens.keySet() + ")");
        }
        return t;
    }

    /** The part of this corpus in {@code lang} alone. */
    public TokenizedCorpus onlyLanguage(String lang) {
        return of(Map.of(lang, tokens(lang)));
    }

    /** This corpus and {@code other} together; a language in both gets two entries, {@code lang} and {@code lang+}. */
    public TokenizedCorpus with(TokenizedCorpus other) {
        Map<String, int[]> all = new LinkedHashMap<>(tokens);
        other.tokens.forEach((lang, t) -> all.put(all.containsKey(lang) ? lang + "+" : lang, t));
        return of(all);
    }

    /** Tokens over all languages. */
    public long size() {
        return tokens.values().stream().mapToLong(t -> t.length).sum();
    }

    /**
     * {@code count} windows of {@code length} tokens at random offsets, drawn from {@code random}: the language
     * with probability proportional to its size, then a uniform offset in it. Returns {@code [count · length]}.
     */
    public int[] sampleWindows(SplittableRandom random, int count, int length) {
        long total = 0;
        for (int[] t : tokens.values()) {
            if (t.length <= length) {
                throw new IllegalArgumentException("length: " + length + " (expected: fewer than every language's "
                        + t.length + " tokens)");
            }
            total += t.length - length;
        }
        int[] out = new int[count * length];
        for (int w = 0; w < count; w++) {
            long pick = random.nextLong(total);
            for (int[] t : tokens.values()) {
                long span = t.length - length;
                if (pick < span) {
                    System.arraycopy(t, (int) pick, out, w * length, length);
                    break;
                }
                pick -= span;
            }
        }
        return out;
    }
}
