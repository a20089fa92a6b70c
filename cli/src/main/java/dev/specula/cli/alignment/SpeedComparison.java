package dev.specula.cli.alignment;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.spec.SpeculativeDecoder;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Greedy wall-clock speed on one language's prompts: the target alone against speculative decoding with one
 * drafter at several draft lengths k, measured in the same run and interleaved prompt by prompt (target-only,
 * then each k) after an untimed warm-up round, so that drift in machine load and JIT state hits all alike.
 *
 * @param drafter                    the drafter's column
 * @param targetTokensPerSecond      tokens/s of target-only greedy generation, prefill included
 * @param speculativeTokensPerSecond tokens/s of greedy speculative generation per k, prefill included
 * @param identical                  whether every k produced the target's tokens for every prompt (it must)
 */
public record SpeedComparison(DrafterColumn drafter, double targetTokensPerSecond,
                              SortedMap<Integer, Double> speculativeTokensPerSecond, boolean identical) {

    public SpeedComparison {
        if (speculativeTokensPerSecond.isEmpty()) {
            throw new IllegalArgumentException("speculativeTokensPerSecond: empty (expected: at least one k)");
        }
        speculativeTokensPerSecond = Collections.unmodifiableSortedMap(new TreeMap<>(speculativeTokensPerSecond));
    }

    /** The fastest k (the smallest of equals). */
    public int bestK() {
        return speculativeTokensPerSecond.entrySet().stream()
                .max(Map.Entry.<Integer, Double>comparingByValue().thenComparing(e -> -e.getKey()))
                .orElseThrow().getKey();
    }

    /** Speculative tokens/s at the fastest k over target-only tokens/s. */
    public double speedup() {
        return speculativeTokensPerSecond.get(bestK()) / targetTokensPerSecond;
    }

    /** Measures {@code rounds} interleaved rounds over {@code prompts}, stopping generations at {@code eos}. */
    public static SpeedComparison measure(DrafterColumn column, Transformer target, Transformer draft,
                                          List<int[]> prompts, int maxTokens, List<Integer> ks, int rounds, int eos) {
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft);
        long[] plain = new long[2]; // tokens, nanoseconds
        long[][] speculative = new long[ks.size()][2];
        boolean identical = true;
        for (int round = 0; round <= rounds; round++) { // round 0 is the warm-up
            for (int[] prompt : prompts) {
                long start = System.nanoTime();
                int[] expected = targetOnly(target, prompt, maxTokens, eos);
                long end = System.nanoTime();
                if (round > 0) {
                    plain[0] += expected.length;
                    plain[1] += end - start;
                }
                for (int i = 0; i < ks.size(); i++) {
                    start = System.nanoTime();
                    int[] tokens = decoder.generate(prompt, maxTokens, ks.get(i), SamplingParams.greedy(), eos).tokens();
                    end = System.nanoTime();
                    identical &= Arrays.equals(expected, tokens);
                    if (round > 0) {
                        speculative[i][0] += tokens.length;
                        speculative[i][1] += end - start;
                    }
                }
            }
        }
        SortedMap<Integer, Double> perK = new TreeMap<>();
        for (int i = 0; i < ks.size(); i++) {
            perK.put(ks.get(i), speculative[i][0] / (speculative[i][1] / 1e9));
        }
        return new SpeedComparison(column, plain[0] / (plain[1] / 1e9), perK, identical);
    }

    /**
     * Greedy target-only decoding from token ids, with the same stop as the speculative decoder. (The engine's
     * {@code Generator} takes text, and re-encoding a decoded prompt need not give the same tokens.)
     */
    static int[] targetOnly(Transformer target, int[] prompt, int maxTokens, int eos) {
        int[] out = new int[maxTokens];
        int count = 0;
        try (InferenceSession session = target.newSession(Math.min(target.config().contextLength(),
                prompt.length + maxTokens))) {
            float[] logits = session.forwardLast(prompt);
            while (count < maxTokens) {
                int next = Sampler.argmax(logits);
                if (next == eos) {
                    break;
                }
                out[count++] = next;
                if (count == maxTokens || session.position() == session.capacity()) {
                    break;
                }
                logits = session.step(next);
            }
        }
        return Arrays.copyOf(out, count);
    }
}
