package dev.specula.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tables {@code bench load} prints: throughput per speculation mode and telemetry setting, each paired by round
 * with the first mode's and the first setting's, and resident memory per process after the warm-up and at the end.
 *
 * @param modes     the speculation modes, the first the baseline
 * @param settings  the telemetry settings, the first the baseline
 * @param rounds    each mode and setting's rounds in order, by {@link LoadBenchCommand#key}
 */
record LoadReport(List<String> modes, List<String> settings, Map<String, List<LoadDriver.Round>> rounds) {

    /** One row per mode and setting. */
    void printThroughput(PrintStream out) {
        out.printf(Locale.ROOT, "%-6s %-9s %-24s %-24s %-24s %-8s %-7s %-10s %-15s %s%n", "mode", "telemetry",
                "tok/s min/med/max", "vs " + modes.getFirst() + " min/med/max",
                "vs telemetry " + settings.getFirst(), "requests", "errors", "speculated", "TTFT ms p50/p99",
                "fallbacks by cause");
        Map<String, Long> errorCauses = new TreeMap<>();
        for (String mode : modes) {
            for (String setting : settings) {
                List<LoadDriver.Round> own = rounds.get(LoadBenchCommand.key(mode, setting));
                List<Double> tps = tokensPerSecond(mode, setting);
                Map<String, Long> fallbacks = new TreeMap<>();
                own.forEach(r -> r.fallbacks().forEach((k, v) -> fallbacks.merge(k, v, Long::sum)));
                own.forEach(r -> r.errors().forEach((k, v) -> errorCauses.merge(k, v, Long::sum)));
                double[] ttft = own.stream().flatMap(r -> r.firstTokenMs().stream()).mapToDouble(Double::doubleValue)
                        .sorted().toArray();
                out.printf(Locale.ROOT, "%-6s %-9s %-24s %-24s %-24s %-8d %-7d %-10d %-15s %s%n", mode, setting,
                        Spread.of(tps).format("%.1f"), ratio(mode.equals(modes.getFirst()), tps,
                                tokensPerSecond(modes.getFirst(), setting)),
                        ratio(setting.equals(settings.getFirst()), tps, tokensPerSecond(mode, settings.getFirst())),
                        own.stream().mapToLong(LoadDriver.Round::requests).sum(),
                        own.stream().mapToLong(LoadDriver.Round::errorCount).sum(),
                        own.stream().mapToLong(LoadDriver.Round::speculated).sum(),
                        ttft.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", percentile(ttft, 0.5),
                                percentile(ttft, 0.99)), fallbacks.isEmpty() ? "none" : fallbacks);
            }
        }
        if (!errorCauses.isEmpty()) {
            out.println("errors by cause: " + errorCauses);
        }
        out.println("""
                tok/s: completion tokens streamed to all clients per second. vs: tok/s over the first mode's (same \
                telemetry) or the first telemetry setting's (same mode) in the same round, paired. speculated: \
                requests in which the verifier verified drafts. TTFT: client-side time to the first token, over \
                every request of the mode.""");
    }

    /** One row per telemetry setting and process: resident memory and heap after a full collection, after the
     * warm-up and at the end. */
    void printMemory(PrintStream out, List<String> meshes, List<Map<String, LoadMesh.Memory>> afterWarmUp,
                     List<Map<String, LoadMesh.Memory>> atEnd) {
        out.printf(Locale.ROOT, "%-9s %-22s %-26s %-26s%n", "telemetry", "process",
                "RSS MB warm-up/end/change", "heap after GC MB warm-up/end/change");
        for (int i = 0; i < meshes.size(); i++) {
            for (Map.Entry<String, LoadMesh.Memory> before : afterWarmUp.get(i).entrySet()) {
                LoadMesh.Memory after = atEnd.get(i).getOrDefault(before.getKey(), new LoadMesh.Memory(-1, -1));
                out.printf(Locale.ROOT, "%-9s %-22s %-26s %s%n", meshes.get(i), before.getKey(),
                        change(before.getValue().residentKib(), after.residentKib()),
                        change(before.getValue().heapAfterGcKib(), after.heapAfterGcKib()));
            }
        }
        out.println("RSS: VmRSS of /proc/<pid>/status (heap, metaspace, thread stacks, native buffers). heap after GC: "
                + "used after jcmd GC.run (full collection), read after the RSS. '-': not readable here.");
    }

    private static String change(long beforeKib, long afterKib) {
        return megabytes(beforeKib) + " / " + megabytes(afterKib) + " / " + (beforeKib <= 0 || afterKib <= 0 ? "-"
                : String.format(Locale.ROOT, "%+.1f%%", 100.0 * (afterKib - beforeKib) / beforeKib));
    }

    private List<Double> tokensPerSecond(String mode, String setting) {
        return rounds.get(LoadBenchCommand.key(mode, setting)).stream().map(LoadDriver.Round::tokensPerSecond).toList();
    }

    private static String ratio(boolean isBaseline, List<Double> tps, List<Double> baseline) {
        return isBaseline ? "(baseline)" : Spread.of(Spread.ratios(tps, baseline)).format("%.3fx");
    }

    private static String megabytes(long kib) {
        return kib <= 0 ? "-" : String.format(Locale.ROOT, "%.1f", kib * 1024 / 1e6);
    }

    static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
