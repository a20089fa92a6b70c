package dev.specula.rpc.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The bearer tokens the public API accepts, read from a file: one token per line, or a client name and the token
 * separated by white space ({@code alice 3f9c...}); blank lines and lines starting with {@code #} are skipped. A
 * token without a name is known by the start of its SHA-256 ({@code token-1a2b3c4d}), never by the token. The file
 * is read again when its modification time or size changes (checked at most once a second), so tokens are added
 * and revoked without a restart; a file that cannot be read then keeps the tokens it had. Tokens are compared as
 * SHA-256 digests with {@link MessageDigest#isEqual}, every token each time, so the time taken tells nothing about
 * how much of a guess was right. Thread-safe.
 */
public final class BearerTokens {

    private static final Logger LOG = Logger.getLogger(BearerTokens.class.getName());
    private static final long CHECK_NANOS = 1_000_000_000L;
    private static final String SCHEME = "bearer ";

    private record Entry(String client, byte[] digest) {
    }

    private record Snapshot(List<Entry> entries, FileTime modified, long size) {
    }

    private final Path file;
    private volatile Snapshot snapshot;
    private volatile long checkedAt;

    private BearerTokens(Path file, Snapshot snapshot) {
        this.file = file;
        this.snapshot = snapshot;
        this.checkedAt = System.nanoTime();
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException {@code tokensFile: ...} when it cannot be read or holds no token
     */
    public static BearerTokens load(Path file) {
        Snapshot snapshot;
        try {
            snapshot = read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("tokensFile: " + file + " does not exist (expected: a file of bearer "
                    + "tokens, one per line, or NAME TOKEN)", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tokensFile: " + file + ": " + e.getMessage(), e);
        }
        if (snapshot.entries().isEmpty()) {
            throw new IllegalArgumentException("tokensFile: " + file + " holds no token (expected: one token, or a "
                    + "client name and a token, per line)");
        }
        return new BearerTokens(file, snapshot);
    }

    /**
     * The client an {@code authorization} header value ("Bearer TOKEN") authenticates, or empty when it is absent,
     * not a bearer token, or no token of the file.
     */
    public Optional<String> clientOf(String authorization) {
        reloadIfChanged();
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.empty();
        }
        byte[] presented = sha256(authorization.substring(SCHEME.length()).strip());
        String client = null;
        for (Entry entry : snapshot.entries()) {
            if (MessageDigest.isEqual(entry.digest(), presented)) { // constant time; go on through every entry
                client = entry.client();
            }
        }
        return Optional.ofNullable(client);
    }

    /** How many tokens the file holds now. */
    public int size() {
        reloadIfChanged();
        return snapshot.entries().size();
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < CHECK_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < CHECK_NANOS) {
                return;
            }
            checkedAt = now;
            try {
                if (Files.getLastModifiedTime(file).equals(snapshot.modified()) && Files.size(file) == snapshot.size()) {
                    return;
                }
                Snapshot next = read(file);
                snapshot = next;
                LOG.info(() -> "tokensFile " + file + " reloaded: " + next.entries().size() + " tokens");
            } catch (IOException | IllegalArgumentException e) {
                LOG.warning(() -> "tokensFile " + file + " cannot be read again (" + e.getMessage()
                        + "); keeping the " + snapshot.entries().size() + " tokens it had");
            }
        }
    }

    private static Snapshot read(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length > 2) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + fields.length
                        + " fields (expected: TOKEN, or NAME TOKEN)");
            }
            String token = fields[fields.length - 1];
            byte[] digest = sha256(token);
            String client = fields.length == 2 ? fields[0]
                    : "token-" + HexFormat.of().formatHex(digest, 0, 4).toLowerCase(Locale.ROOT);
            entries.add(new Entry(client, digest));
        }
        return new Snapshot(List.copyOf(entries), modified, size);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
