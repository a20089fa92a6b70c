package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 byte-level BPE: the text is split by GPT-2's pre-tokenizer regex, each piece's UTF-8 bytes are
 * written as byte-level characters ({@code bytes_to_unicode}), and within each piece the adjacent pair with
 * the lowest merge rank is merged (the leftmost on ties, as llama.cpp does) until no pair has a rank.
 * There is no dummy prefix: {@code decode(encode(s))} is {@code s}. Results are not cached.
 */
public final class Gpt2BpeTokenizer implements Tokenizer {

    /** GPT-2's pre-tokenizer; UNICODE_CHARACTER_CLASS makes \s Unicode-aware as in Python's regex. */
    private static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    /** The {@code tokenizer.ggml.pre} value for this pre-tokenizer. */
    static final String PRE_GPT2 = "gpt-2";

    private final Vocabulary vocab;
    private final List<String> merges;
    /** "left right" → rank (its index in the merge list; lower merges first). */
    private final Map<String, Integer> ranks;
    private final byte[][] bytes;

    /** A tokenizer without an unknown token; see {@link #Gpt2BpeTokenizer(List, List, TokenType[], int, int, int)}. */
    public Gpt2BpeTokenizer(List<String> tokens, List<String> merges, TokenType[] types, int bosId, int eosId) {
        this(tokens, merges, types, bosId, eosId, -1);
    }

    /**
     * A tokenizer over byte-level pieces.
     *
     * @param tokens    the pieces in byte-level characters (e.g. {@code "Ġthe"})
     * @param merges    the merge rules in rank order, each two pieces separated by one space ({@code "Ġ t"})
     * @param unknownId the unknown token, or -1 for none
     * @throws IllegalArgumentException when a merge is malformed, lengths differ or an id is out of range
     */
    public Gpt2BpeTokenizer(List<String> tokens, List<String> merges, TokenType[] types, int bosId, int eosId,
                            int unknownId) {
        this.vocab = new Vocabulary(tokens, types, bosId, eosId, unknownId);
        this.merges = List.copyOf(merges);
        this.ranks = HashMap.newHashMap(merges.size());
        for (int i = 0; i < this.merges.size(); i++) {
            String merge = this.merges.get(i);
            int space = merge.indexOf(' ');
            if (space <= 0 || space == merge.length() - 1 || merge.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException("merge " + i + " \"" + merge
                        + "\" (expected: two pieces separated by one space)");
            }
            ranks.putIfAbsent(merge, i);
        }
        this.bytes = new byte[vocab.size()][];
        for (int i = 0; i < vocab.size(); i++) {
            bytes[i] = surface(i);
        }
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
     * required; token types default to NORMAL; {@code tokenizer.ggml.pre}, when present, must be
     * {@code "gpt-2"} since that is the only pre-tokenizer implemented.
     *
     * @param fileForErrors the GGUF file, named in error messages
     * @throws ModelFormatException when a key is missing or has the wrong type or size
     */
    public static Gpt2BpeTokenizer fromGguf(GgufMetadata metadata, Path fileForErrors) {
        TokenizerGguf.requireModel(metadata, "gpt2", fileForErrors);
        return TokenizerGguf.reading(fileForErrors, "gpt2 tokenizer", () -> {
            if (metadata.contains(TokenizerGguf.PRE)) {
                String pre = metadata.getString(TokenizerGguf.PRE);
                if (!pre.equals(PRE_GPT2)) {
                    throw new IllegalArgumentException(TokenizerGguf.PRE + " is \"" + pre + "\" (expected: \""
                            + PRE_GPT2 + "\", the only pre-tokenizer supported)");
                }
            }
            List<String> tokens = metadata.getStringArray(TokenizerGguf.TOKENS);
            List<String> merges = metadata.getStringArray(TokenizerGguf.MERGES);
            TokenType[] types = TokenizerGguf.readTypes(metadata);
            if (types == null) {
                types = new TokenType[tokens.size()];
                Arrays.fill(types, TokenType.NORMAL);
            }
            return new Gpt2BpeTokenizer(tokens, merges, types, metadata.getInt(TokenizerGguf.BOS_ID),
                    metadata.getInt(TokenizerGguf.EOS_ID), metadata.getInt(TokenizerGguf.UNKNOWN_ID, -1));
        });
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (String word : preTokenize(text)) {
            encodeWord(Gpt2ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8)), out);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The pieces GPT-2's regex splits {@code text} into; merges never cross them (a BPE trainer counts these). */
    public static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = PRE_TOKENIZER.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    /** A candidate merge of symbol {@code left} with {@code right}, valid while both keep these lengths. */
    private record Bigram(int left, int right, int leftLength, int rightLength, int rank) {
    }

    private void encodeWord(String word, List<Integer> out) {
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
    }

    private void offer(PriorityQueue<Bigram> queue, String[] symbol, int left, int right) {
        Integer rank = ranks.get(symbol[left] + " " + symbol[right]);
        if (rank != null) {
            queue.add(new Bigram(left, right, symbol[left].length(), symbol[right].length(), rank));
        }
    }

    /** The token of a merged symbol, or of each of its byte chars when the merge result is not a token. */
    private void addSymbol(String symbol, List<Integer> out) {
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
    public Map<String, GgufValue> toGgufMetadata() {
        Map<String, GgufValue> out = new LinkedHashMap<>();
        out.put(TokenizerGguf.MODEL, TokenizerGguf.string("gpt2"));
        out.put(TokenizerGguf.PRE, TokenizerGguf.string(PRE_GPT2));
        out.put(TokenizerGguf.TOKENS, TokenizerGguf.stringArray(vocab.pieces()));
        out.put(TokenizerGguf.TOKEN_TYPE, TokenizerGguf.typeArray(vocab.types()));
        out.put(TokenizerGguf.MERGES, TokenizerGguf.stringArray(merges));
        out.put(TokenizerGguf.BOS_ID, TokenizerGguf.uint32(vocab.bosId()));
        out.put(TokenizerGguf.EOS_ID, TokenizerGguf.uint32(vocab.eosId()));
        if (vocab.unknownId() >= 0) {
            out.put(TokenizerGguf.UNKNOWN_ID, TokenizerGguf.uint32(vocab.unknownId()));
        }
        return out;
    }
}
