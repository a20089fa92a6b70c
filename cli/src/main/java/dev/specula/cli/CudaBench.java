package dev.specula.cli;

import dev.specula.engine.kernel.cuda.CudaBackend;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.SessionTimings;
import dev.specula.engine.model.Transformer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * GPU benchmark of the CUDA backend: decode tokens per second as a fraction of the device's memory-bandwidth
 * bound (weight bytes per token over measured copy bandwidth), prefill speed, and the time to verify a block
 * of k drafts (k + 1 tokens, every row's logits) against one decode step. Run on the GPU machine through the
 * bundle's {@code run-bench.sh}; {@code specula bench --backends cuda} works too, but rates the GPU against
 * host memory bandwidth.
 */
@Command(name = "cuda-bench", mixinStandardHelpOptions = true,
        description = "Benchmark decode and block verification on the CUDA backend against the GPU memory-bandwidth bound.")
public final class CudaBench implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model file: GGUF v3 or llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin (required for .bin models).")
    Path tokenizer;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "Prefill length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "128", description = "Timed decode steps (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--max-k", defaultValue = "8", description = "Largest block of drafts to verify (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--repeats", defaultValue = "10", description = "Timed repetitions per block size (default: ${DEFAULT-VALUE}).")
    int repeats;

    /** Runs the benchmark; exit status 0 on success. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CudaBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (promptTokens <= 0 || decodeTokens <= 0 || maxK <= 0 || repeats <= 0) {
            throw new IllegalArgumentException("--prompt-tokens, --decode-tokens, --max-k, --repeats (expected: all > 0)");
        }
        try (ModelFile file = ModelFile.open(model, tokenizer); CudaBackend cuda = new CudaBackend()) {
            long weightBytes = file.weightBytesPerToken();
            double bandwidth = cuda.copyBytesPerSecond(1L << 30, 5);
            double bound = bandwidth / weightBytes;
            System.out.printf(Locale.ROOT, "model %s: %.1fM parameters, %.1f MB of weights read per decoded token%n",
                    model.getFileName(), file.config().parameterCount(!file.tensors().containsKey("output.weight")) / 1e6,
                    weightBytes / 1e6);
            System.out.printf(Locale.ROOT, "device copy bandwidth %.0f GB/s -> decode bound %.1f tok/s%n",
                    bandwidth / 1e9, bound);
            long start = System.nanoTime();
            Transformer transformer = file.load(cuda);
            System.out.printf(Locale.ROOT, "upload %.2f s; %s%n", (System.nanoTime() - start) / 1e9, cuda.description());
            int needed = SessionTimings.positionsNeeded(promptTokens, decodeTokens, maxK);
            if (needed > transformer.config().contextLength()) {
                throw new IllegalArgumentException("--prompt-tokens/--decode-tokens: " + needed + " positions (expected:"
                        + " at most the context length " + transformer.config().contextLength() + ")");
            }
            try (InferenceSession session = transformer.newSession(needed)) {
                measure(session, bound);
            }
        }
        return 0;
    }

    private void measure(InferenceSession session, double bound) {
        SessionTimings t = SessionTimings.measure(session, promptTokens, decodeTokens, maxK, repeats,
                step -> System.err.println("cuda-bench: " + step + " ..."));
        System.out.printf(Locale.ROOT, "decode %.1f tok/s (median step %.3f ms) = %.0f%% of the bandwidth bound;"
                + " prefill %.1f tok/s%n", t.decodeTokensPerSecond(), t.medianStepNanos() / 1e6,
                100 * t.decodeTokensPerSecond() / bound, t.prefillTokensPerSecond());
        StringBuilder verify = new StringBuilder("verify k+1 tokens: ");
        for (int k = 1; k <= maxK; k++) {
            verify.append(String.format(Locale.ROOT, "k=%d %.3f ms (%.2f steps)  ", k,
                    t.verifyMedianNanos()[k - 1] / 1e6, t.verifyInSteps(k)));
        }
        System.out.println(verify.toString().trim());
    }
}
