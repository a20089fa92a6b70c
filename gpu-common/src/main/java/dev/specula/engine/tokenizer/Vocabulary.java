package dev.specula.engine.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The part both tokenizers share: pieces, their types, the special ids and the piece → id lookups.
 * Constructor arguments are checked; problems throw {@link IllegalArgumentException} that the loaders turn
 * into a {@code ModelFormatException} naming the file.
 */
final class Vocabulary {

    private final List<String> pieces;
    private final TokenType[] types;
    private final int bosId;
    private final int eosId;
    private final int unknownId;
    /** Every piece → its first id. */
    private final Map<String, Integer> all;
    /** Only the pieces encode may produce (normal and user-defined) → first id. */
    private final Map<String, Integer> text;

    Vocabulary(List<String> pieces, TokenType[] types, int bosId, int eosId, int unknownId) {
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("vocabulary is empty (expected: at least one token)");
        }
        if (types.length != pieces.size()) {
            throw new IllegalArgumentException("token types: " + types.length + " entries (expected: "
                    + pieces.size() + ", one per token)");
        }
        this.pieces = List.copyOf(pieces);
        this.types = types.clone();
        this.bosId = checkId("BOS token id", bosId, false);
        this.eosId = checkId("EOS token id", eosId, false);
        this.unknownId = checkId("unknown token id", unknownId, true);
        this.all = HashMap.newHashMap(pieces.size());
        this.text = HashMap.newHashMap(pieces.size());
        for (int i = 0; i < this.pieces.size(); i++) {
            if (this.types[i] == null) {
                throw new IllegalArgumentException("token " + i + " has no type");
            }
            all.putIfAbsent(this.pieces.get(i), i);
            if (this.types[i].isText()) {
                text.putIfAbsent(this.pieces.get(i), i);
            }
        }
    }

    private int checkId(String what, int id, boolean optional) {
        if ((optional && id == -1) || (id >= 0 && id < pieces.size())) {
            return id;
        }
        throw new IllegalArgumentException(what + " " + id + " (expected: 0.." + (pieces.size() - 1)
                + (optional ? " or -1 for none" : "") + ")");
    }

    int size() {
        return pieces.size();
    }

    List<String> pieces() {
        return pieces;
    }

    String piece(int token) {
        return pieces.get(token);
    }

    TokenType type(int token) {
        return types[token];
    }

    TokenType[] types() {
        return types.clone();
    }

    int bosId() {
        return bosId;
    }

    int eosId() {
        return eosId;
    }

    /** The unknown token, or -1 when the vocabulary has none. */
    int unknownId() {
        return unknownId;
    }

    OptionalInt find(String piece) {
        Integer id = all.get(piece);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id of a piece that encode may produce, or -1. */
    int findText(String piece) {
        return text.getOrDefault(piece, -1);
    }
}
