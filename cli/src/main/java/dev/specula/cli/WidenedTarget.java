package dev.specula.cli;

import dev.specula.engine.model.ModelFile;
import dev.specula.train.widen.Widening;
import dev.specula.train.widen.WideningReport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * A target widened m times ({@link Widening}), made on first use and cached outside the project: in
 * {@code <cache>/widened/}, where the cache is {@code -Dspecula.cache} or else {@code ~/.cache/specula}. The file
 * name holds the source's name, m and a digest of the source's bytes, so a retrained source is widened anew.
 */
public final class WidenedTarget {

    private WidenedTarget() {
    }

    /** The cache folder: {@code -Dspecula.cache}, else {@code ~/.cache/specula}. */
    public static Path cacheDir() {
        String configured = System.getProperty("specula.cache");
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "specula");
    }

    /**
     * {@code source} widened {@code factor} times, from {@code cacheDir} when it is there, else written there
     * first (to a temporary file moved into place, so concurrent makers never see a partial file).
     *
     * @param progress told when the widened file has to be made, and what was made
     */
    public static Path obtain(Path source, int factor, Path cacheDir, Consumer<String> progress) throws IOException {
        String name = MeshConfigs.modelId(source) + "-x" + factor + "-" + digest(source) + ".gguf";
        Path widened = cacheDir.resolve("widened").resolve(name);
        if (Files.isRegularFile(widened)) {
            return widened;
        }
        Files.createDirectories(widened.getParent());
        progress.accept("widening " + source.getFileName() + " x" + factor + " into " + widened + " (first use) ...");
        Path partial = Files.createTempFile(widened.getParent(), name, ".partial");
        try (ModelFile model = ModelFile.open(source, null)) {
            WideningReport report = Widening.widen(model, factor, partial);
            Files.move(partial, widened, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            progress.accept(describe(report));
        } finally {
            Files.deleteIfExists(partial);
        }
        return widened;
    }

    /** One line on what a widening wrote. */
    static String describe(WideningReport r) {
        return "widened x%d: %,d -> %,d parameters, %.1f MB of weights, %,d stored weights not exact copies"
                .formatted(r.factor(), r.parametersBefore(), r.parametersAfter(), r.bytesAfter() / 1e6,
                        r.weightsInexact());
    }

    /** The first 12 hex digits of the SHA-256 of {@code file}'s bytes. */
    private static String digest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
