package dev.specula.engine.tokenizer;

import dev.specula.engine.ModelFormatException;
import dev.specula.engine.gguf.GgufMetadata;
import dev.specula.engine.gguf.GgufValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE by piece scores with byte fallback, as Llama 2 and llama2.c use it.
 *
 * <p>{@link #encode} follows llama2.c's {@code run.c encode} (and gives SentencePiece's ids for the Llama 2
 * vocabulary), with llama.cpp's handling of special tokens: special tokens written in the text are split out
 * first ({@link SpecialTokens}); each remaining fragment that starts the text or follows a special token gets
 * a dummy-prefix space (unless {@code add_space_prefix} is false), spaces become U+2581, each code point becomes its
 * piece or, when there is none, the byte pieces {@code <0xNN>} of its UTF-8 bytes; then the adjacent pair
 * whose concatenation is a piece with the highest score is merged (the leftmost on ties) until no pair is a
 * piece. A priority queue finds the best pair, so long texts cost O(n log n) instead of llama2.c's O(n²).
 *
 * <p>Pieces are kept in SentencePiece/GGUF form: U+2581 for a space and {@code <s>}, {@code </s>} for the
 * control tokens. The llama2.c loader converts its file's spaces and {@code "\n<s>\n"} to that form.
 *
 * <p>Decoding: {@link #decode} keeps the dummy-prefix space ({@code decode(encode(s))} is {@code " " + s});
 * {@link #decodeText} drops it. The unknown token decodes to SentencePiece's {@code " ⁇ "}.
 */
public final class SentencePieceTokenizer implements Tokenizer {

    static final char SPACE_MARK = '\u2581';
    private static final byte[] UNKNOWN_SURFACE = " \u2047 ".getBytes(StandardCharsets.UTF_8);

    private final Vocabulary vocab;
    private final float[] scores;
    /** Byte value → id of its {@code <0xNN>} piece, or -1. */
    private final int[] byteTokens;
    private final byte[][] bytes;
    private final boolean addSpacePrefix;
    private final boolean addBos;
    private final boolean addEos;
    private final SpecialTokens specialTokens;

    /**
     * A tokenizer with a dummy prefix whose models expect BOS and no EOS (Llama 2, llama2.c).
     *
     * @see #SentencePieceTokenizer(List, float[], TokenType[], int, int, int, boolean, boolean, boolean)
     */
    public SentencePieceTokenizer(List<String> pieces, float[] scores, TokenType[] types, int bosId, int eosId,
                                  int unknownId) {
        this(pieces, scores, types, bosId, eosId, unknownId, true, true, false);
    }

    /**
     * A tokenizer over the given vocabulary. Spaces in {@code pieces} are stored as U+2581.
     *
     * @param unknownId      the unknown token, or -1 for none
     * @param addSpacePrefix whether text gets a dummy-prefix space ({@code tokenizer.ggml.add_space_prefix})
     * @param addBos         whether the model expects BOS in front of a text
     * @param addEos         whether the model expects EOS after a text
     * @throws IllegalArgumentException when the arrays differ in length or an id is out of range
     */
    public SentencePieceTokenizer(List<String> pieces, float[] scores, TokenType[] types, int bosId, int eosId,
                                  int unknownId, boolean addSpacePrefix, boolean addBos, boolean addEos) {
        this.addSpacePrefix = addSpacePrefix;
        this.addBos = addBos;
        this.addEos = addEos;
        this.vocab = new Vocabulary(pieces.stream().map(p -> p.replace(' ', SPACE_MARK)).toList(), types,
                bosId, eosId, unknownId);
        TokenizerGguf.requireOnePerToken(TokenizerGguf.SCORES, scores.length, pieces.size());
        this.scores = scores.clone();
        this.byteTokens = new int[256];
        Arrays.fill(byteTokens, -1);
        this.bytes = new byte[vocab.size()][];
        for (int i = 0; i < vocab.size(); i++) {
            bytes[i] = surface(i);
            if (vocab.type(i) == TokenType.BYTE && byteTokens[bytes[i][0] & 0xFF] < 0) {
                byteTokens[bytes[i][0] & 0xFF] = i;
            }
        }
        this.specialTokens = new SpecialTokens(vocab);
    }

    private byte[] surface(int token) {
        String piece = vocab.piece(token);
        return switch (vocab.type(token)) {
            case CONTROL, UNUSED -> new byte[0];
            case UNKNOWN -> UNKNOWN_SURFACE.clone();
            case BYTE -> {
                int value = parseBytePiece(piece);
                if (value < 0) {
                    throw new IllegalArgumentException("token " + token + " \"" + piece
                            + "\" has type BYTE (expected: a piece of the form <0xNN>)");
                }
                yield new byte[] {(byte) value};
            }
            default -> piece.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    /** The byte NN of a piece {@code <0xNN>} (two hex digits), or -1 for any other piece. */
    static int parseBytePiece(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /**
     * Reads a llama2.c {@code tokenizer.bin} (as written by llama2.c's {@code tokenizer.py export}); BOS is
     * 1, EOS is 2 and the unknown token 0, as in Llama 2.
     *
     * @param vocabSize the number of tokens, from the model's header
     * @throws ModelFormatException when the file cannot be read, is truncated or malformed
     */
    public static SentencePieceTokenizer fromLlama2cFile(Path tokenizerBin, int vocabSize) {
        return Llama2cTokenizerReader.read(tokenizerBin, vocabSize);
    }

    /** Reads GGUF metadata with {@code tokenizer.ggml.model = "llama"}; see {@link #fromGguf(GgufMetadata, Path)}. */
    public static SentencePieceTokenizer fromGguf(GgufMetadata metadata) {
        return fromGguf(metadata, TokenizerGguf.NO_FILE);
    }

    /**
     * Reads GGUF metadata with {@code tokenizer.ggml.model = "llama"}: tokens and scores are required;
     * token types are inferred like llama2.c's when absent; BOS, EOS and unknown ids default to llama.cpp's
     * 1, 2 and 0; {@code add_space_prefix} and {@code add_bos_token} default to true, {@code add_eos_token}
     * to false.
     *
     * @param fileForErrors the GGUF file, named in error messages
     * @throws ModelFormatException when a key is missing or has the wrong type or size
     */
    public static SentencePieceTokenizer fromGguf(GgufMetadata metadata, Path fileForErrors) {
        TokenizerGguf.requireModel(metadata, "llama", fileForErrors);
        return TokenizerGguf.reading(fileForErrors, "llama tokenizer", () -> {
            List<String> tokens = metadata.getStringArray(TokenizerGguf.TOKENS);
            float[] scores = metadata.getFloatArray(TokenizerGguf.SCORES);
            int bos = metadata.getInt(TokenizerGguf.BOS_ID, 1);
            int eos = metadata.getInt(TokenizerGguf.EOS_ID, 2);
            int unk = metadata.getInt(TokenizerGguf.UNKNOWN_ID, 0);
            TokenType[] types = TokenizerGguf.readTypes(metadata);
            if (types == null) {
                types = inferTypes(tokens, bos, eos, unk);
            }
            TokenizerGguf.requireOnePerToken(TokenizerGguf.SCORES, scores.length, tokens.size());
            TokenizerGguf.requireOnePerToken(TokenizerGguf.TOKEN_TYPE, types.length, tokens.size());
            return new SentencePieceTokenizer(tokens, scores, types, bos, eos, unk,
                    TokenizerGguf.readFlag(metadata, TokenizerGguf.ADD_SPACE_PREFIX, true),
                    TokenizerGguf.readFlag(metadata, TokenizerGguf.ADD_BOS, true),
                    TokenizerGguf.readFlag(metadata, TokenizerGguf.ADD_EOS, false));
        });
    }

    /**
     * Token types for a vocabulary that does not store them (llama2.c): the unknown id is UNKNOWN, BOS and
     * EOS are CONTROL, {@code <0xNN>} pieces are BYTE, everything else NORMAL.
     */
    static TokenType[] inferTypes(List<String> pieces, int bosId, int eosId, int unknownId) {
        TokenType[] types = new TokenType[pieces.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i == unknownId ? TokenType.UNKNOWN
                    : i == bosId || i == eosId ? TokenType.CONTROL
                    : parseBytePiece(pieces.get(i)) >= 0 ? TokenType.BYTE
                    : TokenType.NORMAL;
        }
        return types;
    }

    @Override
    public int[] encode(String text, boolean parseSpecial) {
        TokenBuffer out = new TokenBuffer(text.length() / 2);
        boolean afterSpecial = true;
        for (SpecialTokens.Fragment fragment : specialTokens.partition(text, parseSpecial)) {
            if (fragment.isToken()) {
                out.add(fragment.token());
                afterSpecial = true;
                continue;
            }
            // The dummy prefix makes "Hello" at the start encode like " Hello" anywhere else.
            String prefixed = addSpacePrefix && afterSpecial ? " " + fragment.text() : fragment.text();
            out.addAll(mergeByScore(initialTokens(prefixed.replace(' ', SPACE_MARK))));
            afterSpecial = false;
        }
        return out.toArray();
    }

    /** One token per code point, or its UTF-8 bytes as byte pieces when the code point has no piece. */
    private int[] initialTokens(String normalized) {
        int[] tokens = new int[normalized.length() * 4];
        int n = 0;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            String ch = Character.toString(cp);
            i += ch.length();
            int id = vocab.findText(ch);
            if (id >= 0) {
                tokens[n++] = id;
                continue;
            }
            for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                int byteId = byteTokens[b & 0xFF];
                if (byteId < 0) {
                    byteId = vocab.unknownId();
                }
                if (byteId < 0) {
                    throw new IllegalArgumentException("cannot encode U+" + Integer.toHexString(cp).toUpperCase()
                            + ": the vocabulary has neither its piece, nor byte piece <0x"
                            + String.format("%02X", b & 0xFF) + ">, nor an unknown token");
                }
                tokens[n++] = byteId;
            }
        }
        return Arrays.copyOf(tokens, n);
    }

    /** A candidate merge of symbol {@code left} with the symbol after it, valid while both still hold the tokens. */
    private record Bigram(int left, int right, int leftToken, int rightToken, int merged, float score) {
    }

    private int[] mergeByScore(int[] initial) {
        int n = initial.length;
        int[] token = initial.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Highest score first; on ties the leftmost pair, as llama2.c's strict '>' scan picks it.
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, token, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram bg = queue.poll();
            if (token[bg.left] != bg.leftToken || token[bg.right] != bg.rightToken || next[bg.left] != bg.right) {
                continue; // stale: one side was merged since this pair was queued
            }
            token[bg.left] = bg.merged;
            token[bg.right] = -1;
            next[bg.left] = next[bg.right];
            if (next[bg.left] >= 0) {
                prev[next[bg.left]] = bg.left;
                offer(queue, token, bg.left, next[bg.left]);
            }
            if (prev[bg.left] >= 0) {
                offer(queue, token, prev[bg.left], bg.left);
            }
        }
        int[] out = new int[n];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[count++] = token[i];
        }
        return Arrays.copyOf(out, count);
    }

    private void offer(PriorityQueue<Bigram> queue, int[] token, int left, int right) {
        int merged = vocab.findText(vocab.piece(token[left]) + vocab.piece(token[right]));
        if (merged >= 0) {
            queue.add(new Bigram(left, right, token[left], token[right], merged, scores[merged]));
        }
    }

    /** The score of {@code token}: higher pieces are merged first. */
    public float score(int token) {
        return scores[token];
    }

    /** The unknown token, or -1 when the vocabulary has none. */
    public int unknownId() {
        return vocab.unknownId();
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

    /** Looks up a piece in stored form; a space in {@code piece} is read as U+2581. */
    @Override
    public OptionalInt find(String piece) {
        return vocab.find(piece.replace(' ', SPACE_MARK));
    }

    @Override
    public boolean addsDummyPrefix() {
        return addSpacePrefix;
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
        out.put(TokenizerGguf.MODEL, TokenizerGguf.string("llama"));
        out.put(TokenizerGguf.TOKENS, TokenizerGguf.stringArray(new ArrayList<>(vocab.pieces())));
        out.put(TokenizerGguf.SCORES, TokenizerGguf.floatArray(scores));
        out.put(TokenizerGguf.TOKEN_TYPE, TokenizerGguf.typeArray(vocab.types()));
        out.put(TokenizerGguf.BOS_ID, TokenizerGguf.uint32(vocab.bosId()));
        out.put(TokenizerGguf.EOS_ID, TokenizerGguf.uint32(vocab.eosId()));
        if (vocab.unknownId() >= 0) {
            out.put(TokenizerGguf.UNKNOWN_ID, TokenizerGguf.uint32(vocab.unknownId()));
        }
        out.put(TokenizerGguf.ADD_SPACE_PREFIX, TokenizerGguf.bool(addSpacePrefix));
        out.put(TokenizerGguf.ADD_BOS, TokenizerGguf.bool(addBos));
        out.put(TokenizerGguf.ADD_EOS, TokenizerGguf.bool(addEos));
        return out;
    }
}
