package dev.specula.cli;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Speculation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients of {@code bench load}: {@code n} virtual threads, each streaming one request after another through
 * the router for a fixed time, counting what arrives.
 *
 * @param prompts   the prompts, taken in turn (each stream starts at its own)
 * @param maxTokens the tokens each request asks for
 */
record LoadDriver(List<String> prompts, int maxTokens) {

    /**
     * What one run of the clients did.
     *
     * @param tokensPerSecond completion tokens streamed to all clients per second of the run
     * @param requests        requests that ended with a summary
     * @param errors          requests that failed, by {@link #cause} of their exception's message
     * @param fallbacks       requests in which the verifier fell back to plain decoding, by {@link #cause}
     * @param speculated      requests in which the verifier verified drafts
     * @param firstTokenMs    client-side time to the first token of each request
     */
    record Round(double tokensPerSecond, long requests, Map<String, Long> errors, Map<String, Long> fallbacks,
                 long speculated, List<Double> firstTokenMs) {

        /** How many requests failed. */
        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** {@code n} clients, each streaming one request after another for {@code seconds}. */
    Round drive(MeshClient client, Speculation speculation, int n, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        AtomicLong tokens = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        Map<String, Long> errors = new ConcurrentHashMap<>();
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
                        errors.merge(cause(String.valueOf(e.getMessage())), 1L, Long::sum);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = Math.min(System.nanoTime(), end) - start;
        return new Round(tokens.get() / (elapsed / 1e9), requests.get(), new TreeMap<>(errors),
                new TreeMap<>(fallbacks), speculated.get(), new ArrayList<>(firstTokenMs));
    }

    /** A fallback's cause without the drafter's name, positions and times, so that equal causes count together. */
    static String cause(String fallback) {
        String withoutDrafter = fallback.replaceFirst("^drafter \\S+ at \\S+:? ", "");
        return withoutDrafter.replaceAll("\\d+", "N");
    }
}
