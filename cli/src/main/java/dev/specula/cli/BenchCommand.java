package dev.specula.cli;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.kernel.cpu.VectorBackend;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.SessionTimings;
import dev.specula.engine.model.Transformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code specula bench}: decode and prefill speed, and the cost of verifying a block of k drafts relative to
 * one decode step, per backend, beside the memory-bandwidth bound measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark decode, prefill and block verification per backend against the memory-bandwidth bound.")
final class BenchCommand implements Callable<Integer> {

    // Not required by picocli, so that subcommands (bench mesh) parse without it.
    @Option(names = "--model", description = "Model file: GGUF v3 or llama2.c .bin (required).")
    Path model;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin (required for .bin models).")
    Path tokenizer;

    @Option(names = "--backends", split = ",", defaultValue = "naive,vector",
            description = "Backends to compare (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Prefill length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "24", description = "Timed decode steps (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--max-k", defaultValue = "8", description = "Largest block of drafts to verify (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--threads", description = "Threads of the vector backend (default: one per core).")
    Integer threads;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed repetitions of each block verification (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws Exception {
        if (model == null) {
            throw new IllegalArgumentException("--model: missing (expected: a model file to benchmark)");
        }
        if (threads != null && threads <= 0) {
            throw new IllegalArgumentException("--threads: " + threads + " (expected: > 0)");
        }
        if (promptTokens <= 0 || decodeTokens <= 0 || maxK <= 0 || repeats <= 0) {
            throw new IllegalArgumentException("--prompt-tokens, --decode-tokens, --max-k, --repeats (expected: all > 0)");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.err.println("bench: measuring memory bandwidth (512 MiB copy) ...");
        double oneThread = MemoryBandwidth.copyBytesPerSecond(512L << 20, 1, 5);
        double allThreads = MemoryBandwidth.copyBytesPerSecond(512L << 20, cores, 5);
        double bandwidth = Math.max(oneThread, allThreads);
        try (ModelFile file = ModelFile.open(model, tokenizer)) {
            long weightBytes = file.weightBytesPerToken();
            double boundTokensPerSecond = bandwidth / weightBytes;
            System.out.printf("model %s: %s, %.1fM parameters, %.1f MB of weights read per decoded token%n",
                    model.getFileName(), file.config().architecture(),
                    file.config().parameterCount(!file.tensors().containsKey("output.weight")) / 1e6, weightBytes / 1e6);
            System.out.printf("memory bandwidth (copy): %.2f GB/s on 1 thread, %.2f GB/s on %d threads"
                    + " -> decode bound %.1f tok/s%n", oneThread / 1e9, allThreads / 1e9, cores, boundTokensPerSecond);
            StringBuilder header = new StringBuilder(String.format("%-8s %12s %13s %9s", "backend", "decode tok/s",
                    "prefill tok/s", "of bound"));
            for (int k = 1; k <= maxK; k++) {
                header.append(String.format(" %6s", "k=" + k));
            }
            System.out.println(header + "   (verify a block of k drafts, in decode steps)");
            double[] decodeRates = new double[backends.size()];
            for (int b = 0; b < backends.size(); b++) {
                try (Backend backend = threads != null && backends.get(b).equals("vector")
                        ? new VectorBackend(threads) : Backends.create(backends.get(b))) {
                    Transformer transformer = file.load(backend);
                    Row row = measure(transformer, backend.name());
                    decodeRates[b] = row.decodeTokensPerSecond;
                    StringBuilder line = new StringBuilder(String.format("%-8s %12.2f %13.2f %8.0f%%", backend.name(),
                            row.decodeTokensPerSecond, row.prefillTokensPerSecond,
                            100 * row.decodeTokensPerSecond / boundTokensPerSecond));
                    for (double ratio : row.verifyRatios) {
                        line.append(String.format(" %6.2f", ratio));
                    }
                    System.out.println(line);
                }
            }
            for (int b = 1; b < backends.size(); b++) {
                System.out.printf("decode %s / %s: %.2fx%n", backends.get(b), backends.get(0), decodeRates[b] / decodeRates[0]);
            }
        }
        return 0;
    }

    private record Row(double decodeTokensPerSecond, double prefillTokensPerSecond, double[] verifyRatios) {
    }

    private Row measure(Transformer transformer, String name) {
        int needed = SessionTimings.positionsNeeded(promptTokens, decodeTokens, maxK);
        if (needed > transformer.config().contextLength()) {
            throw new IllegalArgumentException("--prompt-tokens/--decode-tokens: " + needed + " positions needed"
                    + " (expected: at most the context length " + transformer.config().contextLength() + ")");
        }
        try (InferenceSession session = transformer.newSession()) {
            SessionTimings t = SessionTimings.measure(session, promptTokens, decodeTokens, maxK, repeats,
                    step -> System.err.printf("bench %s: %s ...%n", name, step));
            double[] ratios = new double[maxK];
            for (int k = 1; k <= maxK; k++) {
                ratios[k - 1] = t.verifyInSteps(k);
            }
            return new Row(t.decodeTokensPerSecond(), t.prefillTokensPerSecond(), ratios);
        }
    }
}
