package dev.specula.cli;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code specula generate}: the target model alone, completion on stdout and timings on stderr. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a completion with one model (no speculation). Prints only the completion on stdout.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model file: GGUF v3 or llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", description = "llama2.c tokenizer.bin (required for .bin models; overrides a GGUF's own).")
    Path tokenizer;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text; empty starts from BOS (default: empty).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k likeliest tokens; 0 is off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.9", description = "Nucleus sampling mass in (0, 1]; 1 is off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--min-p", defaultValue = "0", description = "Drop tokens below min-p × the top probability (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--seed", description = "Random seed (default: from the clock).")
    Long seed;

    @Option(names = "--backend", defaultValue = "vector", description = "Kernels: naive or vector (default: ${DEFAULT-VALUE}).")
    String backendName;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens: " + maxTokens + " (expected: > 0)");
        }
        SamplingParams params = new SamplingParams(temperature, topK, topP, minP,
                seed != null ? seed : System.nanoTime());
        // UTF-8 whatever the platform charset: completions are multilingual.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Backend backend = Backends.create(backendName); ModelFile file = ModelFile.open(model, tokenizer)) {
            Transformer transformer = file.load(backend);
            Generator generator = new Generator(transformer, file.tokenizer());
            GenerationResult result = generator.generate(prompt, maxTokens, params, (token, delta) -> {
                out.print(delta);
                out.flush();
            });
            out.println();
            System.err.printf("prefill: %d tokens, %.1f tok/s; decode: %d tokens, %.1f tok/s; backend %s; stop: %s%n",
                    result.promptTokens().length, result.prefillTokensPerSecond(), result.tokens().length,
                    result.decodeTokensPerSecond(), backend.name(), result.stop().name().toLowerCase());
        }
        return 0;
    }
}
