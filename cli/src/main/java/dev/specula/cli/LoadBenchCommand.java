package dev.specula.cli;

import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code specula bench load}: the mesh under concurrent streaming clients, speculation off against auto, and
 * telemetry off against on. The mesh is what {@code serve all} runs (the family target and drafters, routed by
 * language), one per telemetry setting, all alive at once; each mode and setting runs {@code --streams} clients for
 * {@code --seconds}, interleaved (A B A B ...) so that a slow spell of a shared machine falls on all of them, and
 * each one's tokens/s is paired with the first mode's and the first setting's of the same round. Each service
 * process's resident memory is read after the warm-up and at the end, what a soak test watches for leaks.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"N concurrent streaming clients through the mesh per speculation mode and telemetry setting,",
                "interleaved and repeated: tokens/s, errors, drafter fallbacks by cause, time to first token",
                "p50/p99, each one's ratio to the first mode and to the first telemetry setting (min / median / max",
                "over rounds), and each service's resident memory after warm-up and at the end. Runs the family",
                "target."})
final class LoadBenchCommand implements Callable<Integer> {

    @Option(names = "--streams", defaultValue = "64", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--seconds", defaultValue = "60",
            description = "Seconds per mode and telemetry setting per round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--modes", split = ",", defaultValue = "off,auto", paramLabel = "MODE[,MODE...]",
            description = "Speculation modes, off, auto or a fixed draft length k (1..16); the first is the baseline"
                    + " (default: ${DEFAULT-VALUE}).")
    String[] modes;

    @Option(names = "--telemetry", split = ",", defaultValue = "off", paramLabel = "off|on[,...]",
            description = "Telemetry settings, one mesh each, alive together; the first is the baseline. 'on': "
                    + "every service serves Prometheus metrics (scraped once per round) and exports every request's "
                    + "trace and its metrics over OTLP/HTTP to a sink in this process (default: ${DEFAULT-VALUE}).")
    String[] telemetry;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds over every mode (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "Untimed warm-up per mode and setting, with every stream (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--processes", description = "Run each mesh's services as separate processes (resident memory "
            + "is then per service).")
    boolean processes;

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || seconds < 1 || repeats < 1 || maxTokens < 1 || warmupSeconds < 0 || modes.length == 0) {
            throw new IllegalArgumentException("--streams/--seconds/--repeats/--max-tokens/--warmup-seconds: " + streams
                    + "/" + seconds + "/" + repeats + "/" + maxTokens + "/" + warmupSeconds
                    + " (expected: each >= 1, the warm-up >= 0)");
        }
        List<Speculation> speculations = Arrays.stream(modes).map(LoadBenchCommand::speculation).toList();
        List<Boolean> telemetryOn = telemetrySettings(telemetry);
        LoadDriver driver = new LoadDriver(DemoPrompts.ALL.stream().map(DemoPrompts.Prompt::text).toList(), maxTokens);
        List<LoadMesh> meshes = new ArrayList<>();
        try (OtlpSink sink = telemetryOn.contains(true) ? OtlpSink.start() : null) {
            try {
                for (boolean on : telemetryOn) {
                    meshes.add(LoadMesh.start(on, processes, sink));
                }
                run(driver, speculations, meshes, sink);
            } finally {
                meshes.reversed().forEach(LoadMesh::close);
            }
        }
        return 0;
    }

    private void run(LoadDriver driver, List<Speculation> speculations, List<LoadMesh> meshes, OtlpSink sink)
            throws InterruptedException, IOException {
        System.err.println("bench load: warming up (every mode and setting, " + streams + " streams, " + warmupSeconds
                + " s, untimed)");
        for (LoadMesh mesh : meshes) {
            for (Speculation s : speculations) {
                driver.drive(mesh.client(), s, streams, warmupSeconds);
            }
        }
        List<Map<String, LoadMesh.Memory>> afterWarmUp = meshes.stream().map(LoadMesh::memory).toList();
        Map<String, List<LoadDriver.Round>> rounds = new LinkedHashMap<>();
        for (int round = 1; round <= repeats; round++) {
            for (int m = 0; m < modes.length; m++) {
                for (LoadMesh mesh : meshes) {
                    Thread scraper = mesh.scrapeDuring(seconds);
                    LoadDriver.Round r = driver.drive(mesh.client(), speculations.get(m), streams, seconds);
                    scraper.join();
                    rounds.computeIfAbsent(key(modes[m], mesh.name()), k -> new ArrayList<>()).add(r);
                    System.err.printf(Locale.ROOT, "bench load: round %d/%d, %s, telemetry %s: %.1f tok/s, %d requests,"
                            + " %d errors %s, %d speculated, fallbacks %s%n", round, repeats, modes[m], mesh.name(),
                            r.tokensPerSecond(), r.requests(), r.errorCount(), r.errors(), r.speculated(),
                            r.fallbacks());
                }
            }
        }
        List<Map<String, LoadMesh.Memory>> atEnd = meshes.stream().map(LoadMesh::memory).toList();
        LoadReport report = new LoadReport(List.of(modes), meshes.stream().map(LoadMesh::name).toList(), rounds);
        System.out.printf(Locale.ROOT, "family target; %d streams x %d s per mode and telemetry setting, %d tokens per "
                + "request, %d rounds (interleaved), %s%n", streams, seconds, maxTokens, repeats,
                processes ? "each service in its own process" : "every service in this JVM");
        report.printThroughput(System.out);
        report.printMemory(System.out, meshes.stream().map(LoadMesh::name).toList(), afterWarmUp, atEnd);
        for (LoadMesh mesh : meshes) {
            mesh.printTelemetry(System.out, sink);
        }
    }

    /** The key of one mode under one telemetry setting in the rounds' map. */
    static String key(String mode, String telemetry) {
        return mode + "/" + telemetry;
    }

    /** The settings as on/off flags, each named once. */
    static List<Boolean> telemetrySettings(String[] names) {
        List<Boolean> on = new ArrayList<>();
        for (String name : names) {
            boolean value = switch (name) {
                case "off" -> false;
                case "on" -> true;
                default -> throw new IllegalArgumentException("--telemetry: " + name + " (expected: off or on)");
            };
            if (on.contains(value)) {
                throw new IllegalArgumentException("--telemetry: " + name + " given twice (expected: each once)");
            }
            on.add(value);
        }
        if (on.isEmpty()) {
            throw new IllegalArgumentException("--telemetry: none (expected: off, on, or both)");
        }
        return on;
    }

    static Speculation speculation(String mode) {
        return switch (mode) {
            case "off" -> Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_OFF).build();
            case "auto" -> Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_AUTO).build();
            default -> {
                int k;
                try {
                    k = Integer.parseInt(mode);
                } catch (NumberFormatException e) {
                    k = -1;
                }
                if (k < 1 || k > 16) {
                    throw new IllegalArgumentException("--modes: " + mode + " (expected: off, auto or a draft length 1..16)");
                }
                yield Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED).setDraftLength(k)
                        .setMaxDraftLength(Math.max(k, 8)).build();
            }
        };
    }
}
