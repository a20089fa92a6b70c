package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen 2): special tokens written in the text are split out first
 * ({@link SpecialTokens}), the rest is split into words by the vocabulary's {@link PreTokenizer}, each word's
 * UTF-8 bytes are written as byte-level characters ({@code bytes_to_unicode}), and within each word the
 * adjacent pair with the lowest merge rank is merged (the leftmost on ties, as llama.cpp does) until no pair
 * has a rank. There is no dummy prefix: {@code decode(encode(s))} is {@code s}.
 *
 * <p>The tokens of recent words are memoised (a bounded, thread-safe map), since natural text repeats words;
 * results do not depend on it.
 */
public final class Gpt2BpeTokenizer implements Tokenizer {

    /** Words memoised before the memo is cleared; bounds its memory to a few MB. */
    private static final int WORD_CACHE_LIMIT = 1 << 16;

    private final Vocabulary vocab;
    private final List<String> merges;
    /** "left right" → rank (its index in the merge list; lower merges first); empty when mergeTable is used. */
    private final Map<String, Integer> ranks;
    /** The same merges on token ids, or null when some byte or merge is not a token (then strings are merged). */
    private final MergeTable mergeTable;
    private final byte[][] bytes;
    private final PreTokenizer preTokenizer;
    private final boolean addBos;
    private final boolean addEos;
    private final SpecialTokens specialTokens;
    /** Word → its tokens. */
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /** A GPT-2 tokenizer without an unknown token; see {@link #Gpt2BpeTokenizer(List, List, TokenType[], int, int, int)}. */
    public Gpt2BpeTokenizer(List<String> tokens, List<String> merges, TokenType[] types, int bosId, int eosId) {
        this(tokens, merges, types, bosId, eosId, -1);
    }

    /**
     * A tokenizer with GPT-2's pre-tokenizer whose models expect BOS and no EOS (Specula's own family).
     *
     * @see #Gpt2BpeTokenizer(List, List, TokenType[], int, int, int, PreTokenizer, boolean, boolean)
     */
    public Gpt2BpeTokenizer(List<String> tokens, List<String> merges, TokenType[] types, int bosId, int eosId,
                            int unknownId) {
        this(tokens, merges, types, bosId, eosId, unknownId, PreTokenizer.GPT2, true, false);
    }

    /**
     * A tokenizer over byte-level pieces.
     *
     * @param tokens       the pieces in byte-level characters (e.g. {@code "Ġthe"})
     * @param merges       the merge rules in rank order, each two pieces separated by one space ({@code "Ġ t"})
     * @param unknownId    the unknown token, or -1 for none
     * @param preTokenizer how text is split into words
     * @param addBos       whether the model expects BOS in front of a text
     * @param addEos       whether the model expects EOS after a text
     * @throws IllegalArgumentException when a merge is malformed, lengths differ or an id is out of range
     */
    public Gpt2BpeTokenizer(List<String> tokens, List<String> merges, TokenType[] types, int bosId, int eosId,
                            int unknownId, PreTokenizer preTokenizer, boolean addBos, boolean addEos) {
        this.vocab = new Vocabulary(tokens, types, bosId, eosId, unknownId);
        this.preTokenizer = preTokenizer;
        this.addBos = addBos;
        this.addEos = addEos;
        this.merges = List.copyOf(merges);
        for (int i = 0; i < this.merges.size(); i++) {
            String merge = this.merges.get(i);
            int space = merge.indexOf(' ');
            if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException(TokenizerGguf.MERGES + "[" + i + "] \"" + merge
                        + "\" (expected: two pieces separated by one space)");
            }
        }
        this.mergeTable = MergeTable.of(vocab, this.merges);
        // The string ranks are needed only where merging on ids does not apply.
        this.ranks = mergeTable != null ? Map.of() : HashMap.newHashMap(merges.size());
        if (mergeTable == null) {
            for (int i = 0; i < this.merges.size(); i++) {
                ranks.putIfAbsent(this.merges.get(i), i);
            }
        }
        this.bytes = new byte[vocab.size()][];
        for (int i = 0; i < vocab.size(); i++) {
            bytes[i] = surface(i);
        }
        this.specialTokens = new SpecialTokens(vocab);
    }

    private byte[] surface(int token) {
        TokenType type = vocab.type(token);
        if (type == TokenType.CONTROL || type == TokenType.UNUSED) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        vocab.piece(token).codePoints().forEach(cp -> {
            int b = cp < Character.MIN_SUPPLEMENTARY_CODE_POINT ? Gpt2ByteLevel.toByte((char) cp) : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                // Not a byte-level char (e.g. in an added token): the char itself.
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** Reads GGUF metadata with {@code tokenizer.ggml.model = "gpt2"}; see {@link #fromGguf(GgufMetadata, Path)}. */
    public static Gpt2BpeTokenizer fromGguf(GgufMetadata metadata) {
        return fromGguf(metadata, TokenizerGguf.NO_FILE);
    }

    /**
     * Reads GGUF metadata with {@code tokenizer.ggml.model = "gpt2"}: tokens, merges, BOS and EOS ids are
     * required; token types default to NORMAL; {@code tokenizer.ggml.pre} names the pre-tokenizer
     * ({@code "gpt-2"} when absent); {@code add_bos_token} and {@code add_eos_token} default as in llama.cpp
     * (BOS for Llama 3 only, EOS never).
     *
     * @param fileForErrors the GGUF file, named in error messages
     * @throws ModelFormatException when a key is missing, has the wrong type or size, or names a
     *                              pre-tokenizer Specula does not implement
     */
    public static Gpt2BpeTokenizer fromGguf(GgufMetadata metadata, Path fileForErrors) {
        TokenizerGguf.requireModel(metadata, "gpt2", fileForErrors);
        return TokenizerGguf.reading(fileForErrors, "gpt2 tokenizer", () -> {
            PreTokenizer pre = PreTokenizer.GPT2;
            if (metadata.contains(TokenizerGguf.PRE)) {
                String name = metadata.getString(TokenizerGguf.PRE);
                pre = PreTokenizer.byName(name).orElseThrow(() -> new IllegalArgumentException(
                        TokenizerGguf.PRE + " is \"" + name + "\" (expected: one of " + PreTokenizer.names()
                                + ", the pre-tokenizers Specula implements)"));
            }
            List<String> tokens = metadata.getStringArray(TokenizerGguf.TOKENS);
            List<String> merges = metadata.getStringArray(TokenizerGguf.MERGES);
            TokenType[] types = TokenizerGguf.readTypes(metadata);
            if (types == null) {
                types = new TokenType[tokens.size()];
                Arrays.fill(types, TokenType.NORMAL);
            }
            TokenizerGguf.requireOnePerToken(TokenizerGguf.TOKEN_TYPE, types.length, tokens.size());
            return new Gpt2BpeTokenizer(tokens, merges, types, metadata.getInt(TokenizerGguf.BOS_ID),
                    metadata.getInt(TokenizerGguf.EOS_ID), metadata.getInt(TokenizerGguf.UNKNOWN_ID, -1), pre,
                    TokenizerGguf.readFlag(metadata, TokenizerGguf.ADD_BOS, pre.defaultAddBos()),
                    TokenizerGguf.readFlag(metadata, TokenizerGguf.ADD_EOS, false));
        });
    }

    @Override
    public int[] encode(String text, boolean parseSpecial) {
        TokenBuffer out = new TokenBuffer(text.length() / 3);
        for (SpecialTokens.Fragment fragment : specialTokens.partition(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
            } else {
                preTokenizer.forEachWord(fragment.text(), word -> out.addAll(encodeWord(word)));
            }
        }
        return out.toArray();
    }

    /** Empties the word memo, so that a benchmark can time encoding without it. */
    void clearWordMemo() {
        wordCache.clear();
    }

    /** The pre-tokenizer that splits text into words. */
    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** The pieces GPT-2's regex splits {@code text} into; merges never cross them (a BPE trainer counts these). */
    public static List<String> preTokenize(String text) {
        return PreTokenizer.GPT2.split(text);
    }

    /** A candidate merge of symbol {@code left} with {@code right}, valid while both keep these lengths. */
    private record Bigram(int left, int right, int leftLength, int rightLength, int rank) {
    }

    /** The tokens of one word, from the memo when it has them. */
    private int[] encodeWord(String word) {
        int[] cached = wordCache.get(word);
        if (cached != null) {
            return cached;
        }
        if (wordCache.size() >= WORD_CACHE_LIMIT) {
            wordCache.clear();
        }
        byte[] utf8 = word.getBytes(StandardCharsets.UTF_8);
        int whole = preTokenizer.ignoresMerges() ? vocab.findText(Gpt2ByteLevel.encode(utf8)) : -1;
        int[] tokens = whole >= 0 ? new int[] {whole}
                : mergeTable != null ? mergeTable.merge(utf8)
                : mergeWord(Gpt2ByteLevel.encode(utf8));
        wordCache.put(word, tokens);
        return tokens;
    }

    /** BPE over the byte-level characters of one word, merging strings. */
    private int[] mergeWord(String word) {
        TokenBuffer out = new TokenBuffer(word.length());
        int n = word.length();
        String[] symbol = new String[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            symbol[i] = word.substring(i, i + 1);
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, symbol, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            // A merge only ever lengthens a symbol, so unchanged lengths mean unchanged symbols.
            if (symbol[bg.left] == null || symbol[bg.right] == null || next[bg.left] != bg.right
                    || symbol[bg.left].length() != bg.leftLength || symbol[bg.right].length() != bg.rightLength) {
                continue;
            }
            symbol[bg.left] = symbol[bg.left] + symbol[bg.right];
            symbol[bg.right] = null;
            next[bg.left] = next[bg.right];
            if (next[bg.left] >= 0) {
                prev[next[bg.left]] = bg.left;
                offer(queue, symbol, bg.left, next[bg.left]);
            }
            if (prev[bg.left] >= 0) {
                offer(queue, symbol, prev[bg.left], bg.left);
            }
        }
        for (int i = 0; i >= 0 && n > 0; i = next[i]) {
            addSymbol(symbol[i], out);
        }
        return out.toArray();
    }

    private void offer(PriorityQueue<Bigram> queue, String[] symbol, int left, int right) {
        Integer rank = ranks.get(symbol[left] + " " + symbol[right]);
        if (rank != null) {
            queue.add(new Bigram(left, right, symbol[left].length(), symbol[right].length(), rank));
        }
    }

    /** The token of a merged symbol, or of each of its byte chars when the merge result is not a token. */
    private void addSymbol(String symbol, TokenBuffer out) {
        int id = vocab.findText(symbol);
        if (id >= 0) {
            out.add(id);
            return;
        }
        for (int i = 0; i < symbol.length(); i++) {
            int charId = vocab.findText(symbol.substring(i, i + 1));
            if (charId < 0) {
                charId = vocab.unknownId();
            }
            if (charId < 0) {
                throw new IllegalArgumentException("cannot encode byte 0x"
                        + String.format("%02X", Gpt2ByteLevel.toByte(symbol.charAt(i)))
                        + ": the vocabulary has no piece \"" + symbol.charAt(i) + "\" and no unknown token");
            }
            out.add(charId);
        }
    }

    /** The merge rules in rank order. */
    public List<String> merges() {
        return merges;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return vocab.bosId();
    }

    @Override
    public int eosId() {
        return vocab.eosId();
    }

    @Override
    public byte[] tokenBytes(int token) {
        return bytes[token].clone();
    }

    @Override
    public String piece(int token) {
        return vocab.piece(token);
    }

    @Override
    public TokenType tokenType(int token) {
        return vocab.type(token);
    }

    @Override
    public OptionalInt find(String piece) {
        return vocab.find(piece);
    }

    @Override
    public boolean addsDummyPrefix() {
        return false;
    }

    @Override
    public boolean addsBos() {
        return addBos;
    }

    @Override
    public boolean addsEos() {
        return addEos;
    }

    @Override
    public Map<String, GgufValue> toGgufMetadata() {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        out.put(TokenizerGguf.MODEL, TokenizerGguf.string("gpt2"));
        out.put(TokenizerGguf.PRE, TokenizerGguf.string(preTokenizer.ggufName()));
        out.put(TokenizerGguf.TOKENS, TokenizerGguf.stringArray(vocab.pieces()));
        out.put(TokenizerGguf.TOKEN_TYPE, TokenizerGguf.typeArray(vocab.types()));
        out.put(TokenizerGguf.MERGES, TokenizerGguf.stringArray(merges));
        out.put(TokenizerGguf.BOS_ID, TokenizerGguf.uint32(vocab.bosId()));
        out.put(TokenizerGguf.EOS_ID, TokenizerGguf.uint32(vocab.eosId()));
        if (vocab.unknownId() >= 0) {
            out.put(TokenizerGguf.UNKNOWN_ID, TokenizerGguf.uint32(vocab.unknownId()));
        }
        out.put(TokenizerGguf.ADD_BOS, TokenizerGguf.bool(addBos));
        out.put(TokenizerGguf.ADD_EOS, TokenizerGguf.bool(addEos));
        return out;
    }
}
