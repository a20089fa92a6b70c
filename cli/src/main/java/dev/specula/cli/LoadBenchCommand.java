package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code specula bench load}: the mesh under concurrent streaming clients, speculation off against auto. The mesh is
 * what {@code serve all} runs (the family target and drafters, routed by language); each mode runs {@code
 * --streams} clients for {@code --seconds}, the modes interleaved (A B A B ...) so that a slow spell of a shared
 * machine falls on all of them, and each mode's tokens/s is paired with the first mode's of the same round.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"N concurrent streaming clients through the mesh per speculation mode, interleaved and",
                "repeated: tokens/s, errors, drafter fallbacks by cause, time to first token p50/p99, and each",
                "mode's ratio to the first mode (min / median / max over rounds). Runs the family target."})
final class LoadBenchCommand implements Callable<Integer> {

    @Option(names = "--streams", defaultValue = "64", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--seconds", defaultValue = "60", description = "Seconds per mode per round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--modes", split = ",", defaultValue = "off,auto", paramLabel = "MODE[,MODE...]",
            description = "Speculation modes, off, auto or a fixed draft length k (1..16); the first is the baseline"
                    + " (default: ${DEFAULT-VALUE}).")
    String[] modes;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds over every mode (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--processes", description = "Run the mesh's services as separate processes.")
    boolean processes;

    /** What one mode did in one round. */
    private record Round(double tokensPerSecond, long requests, long errors, Map<String, Long> fallbacks,
                         long speculated, List<Double> firstTokenMs) {
    }

    @Override
    public Integer call() throws Exception {
        if (streams < 1 || seconds < 1 || repeats < 1 || maxTokens < 1 || modes.length == 0) {
            throw new IllegalArgumentException("--streams/--seconds/--repeats/--max-tokens: " + streams + "/" + seconds
                    + "/" + repeats + "/" + maxTokens + " (expected: each >= 1)");
        }
        List<Speculation> speculations = Arrays.stream(modes).map(LoadBenchCommand::speculation).toList();
        List<String> prompts = DemoPrompts.ALL.stream().map(DemoPrompts.Prompt::text).toList();
        LocalMesh.Mode where = processes ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM;
        try (LocalMesh mesh = LocalMesh.startInTempDir(DefaultModels.find(), 0, where,
                step -> System.err.println("bench load: " + step));
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            System.err.println("bench load: warming up (every mode, " + Math.min(streams, 8) + " streams, 5 s, untimed)");
            for (Speculation s : speculations) {
                drive(client, prompts, s, Math.min(streams, 8), 5);
            }
            List<List<Round>> rounds = new ArrayList<>();
            speculations.forEach(s -> rounds.add(new ArrayList<>()));
            for (int round = 1; round <= repeats; round++) {
                for (int m = 0; m < modes.length; m++) {
                    Round r = drive(client, prompts, speculations.get(m), streams, seconds);
                    rounds.get(m).add(r);
                    System.err.printf(Locale.ROOT, "bench load: round %d/%d, %s: %.1f tok/s, %d requests, %d errors, "
                            + "%d speculated, fallbacks %s%n", round, repeats, modes[m], r.tokensPerSecond(),
                            r.requests(), r.errors(), r.speculated(), r.fallbacks());
                }
            }
            print(rounds);
        }
        return 0;
    }

    private static Speculation speculation(String mode) {
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

    /** {@code n} clients, each streaming one request after another for {@code seconds}. */
    private Round drive(MeshClient client, List<String> prompts, Speculation speculation, int n, int seconds)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong tokens = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong speculated = new AtomicLong();
        Map<String, Long> fallbacks = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Double> firstTokenMs = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int stream = i;
            threads.add(Thread.ofVirtual().name("load-" + i).start(() -> {
                for (int j = 0; System.nanoTime() < end; j++) {
                    GenerateRequest request = GenerateRequest.newBuilder()
                            .setPrompt(prompts.get((stream + j) % prompts.size())).setMaxTokens(maxTokens)
                            .setSpeculation(speculation).build();
                    long sent = System.nanoTime();
                    long[] first = {0};
                    try {
                        GenerationSummary summary = client.generate(request, event -> {
                            long now = System.nanoTime();
                            if (event.hasDelta() && now < end) {
                                if (first[0] == 0 && event.getDelta().getTokenIdsCount() > 0) {
                                    first[0] = now;
                                }
                                tokens.addAndGet(event.getDelta().getTokenIdsCount());
                            }
                        }).summary();
                        requests.incrementAndGet();
                        if (first[0] != 0) {
                            firstTokenMs.add((first[0] - sent) / 1e6);
                        }
                        if (summary.getDraftedTokens() > 0) {
                            speculated.incrementAndGet();
                        }
                        if (!summary.getDrafterFallback().isEmpty()) {
                            fallbacks.merge(cause(summary.getDrafterFallback()), 1L, Long::sum);
                        }
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = Math.min(System.nanoTime(), end) - start;
        return new Round(tokens.get() / (elapsed / 1e9), requests.get(), errors.get(), new TreeMap<>(fallbacks),
                speculated.get(), new ArrayList<>(firstTokenMs));
    }

    /** A fallback's cause without the drafter's name, positions and times, so that equal causes count together. */
    static String cause(String fallback) {
        String withoutDrafter = fallback.replaceFirst("^drafter \\S+ at \\S+:? ", "");
        return withoutDrafter.replaceAll("\\d+", "N");
    }

    private void print(List<List<Round>> rounds) {
        System.out.printf(Locale.ROOT, "family target; %d streams x %d s per mode, %d tokens per request, %d rounds "
                + "(modes interleaved)%n", streams, seconds, maxTokens, repeats);
        System.out.printf(Locale.ROOT, "%-6s %-24s %-24s %-8s %-8s %-11s %-20s %s%n", "mode", "tok/s min/med/max",
                "ratio min/med/max", "requests", "errors", "speculated", "TTFT ms p50/p99", "fallbacks by cause");
        List<Double> baseline = rounds.getFirst().stream().map(Round::tokensPerSecond).toList();
        for (int m = 0; m < modes.length; m++) {
            List<Round> own = rounds.get(m);
            List<Double> tps = own.stream().map(Round::tokensPerSecond).toList();
            Map<String, Long> fallbacks = new TreeMap<>();
            own.forEach(r -> r.fallbacks().forEach((k, v) -> fallbacks.merge(k, v, Long::sum)));
            double[] ttft = own.stream().flatMap(r -> r.firstTokenMs().stream()).mapToDouble(Double::doubleValue)
                    .sorted().toArray();
            System.out.printf(Locale.ROOT, "%-6s %-24s %-24s %-8d %-8d %-11d %-20s %s%n", modes[m],
                    Spread.of(tps).format("%.1f"), m == 0 ? "(baseline)" : Spread.of(Spread.ratios(tps, baseline))
                            .format("%.3fx"), own.stream().mapToLong(Round::requests).sum(),
                    own.stream().mapToLong(Round::errors).sum(), own.stream().mapToLong(Round::speculated).sum(),
                    ttft.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", percentile(ttft, 0.5),
                            percentile(ttft, 0.99)), fallbacks.isEmpty() ? "none" : fallbacks);
        }
        System.out.println("""
                tok/s: completion tokens streamed to all clients per second. ratio: a mode's tok/s over the first \
                mode's in the same round (paired). speculated: requests in which the verifier verified drafts. \
                TTFT: client-side time to the first token, over every request of the mode.""");
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
