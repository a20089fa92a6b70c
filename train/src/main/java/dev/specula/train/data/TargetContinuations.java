package dev.specula.train.data;

import dev.specula.engine.model.BatchedForward;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The distillation dataset of DistillSpec and of Goel et al.: text the target itself writes. Each sequence
 * starts with a prompt cut from the training text and goes on with the target's own samples at {@code temperature}
 * (1 in the papers; 0 writes the target's greedy continuations, the contexts a greedy verifier meets), so the drafter
 * learns the target's distribution where the target actually goes, not only on human text.
 * Sessions decode together through {@link BatchedForward}, reading the weights once per step for all of them.
 *
 * @param promptTokens tokens of training text that open each sequence
 * @param totalTokens  tokens per sequence, prompt included
 * @param temperature  the target's sampling temperature; 0 is greedy
 * @param seed         seeds the prompts and the sampling
 */
public record TargetContinuations(int promptTokens, int totalTokens, double temperature, long seed) {

    public TargetContinuations {
        if (promptTokens <= 0 || totalTokens <= promptTokens) {
            throw new IllegalArgumentException("promptTokens: " + promptTokens + ", totalTokens: " + totalTokens
                    + " (expected: 0 < promptTokens < totalTokens)");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature: " + temperature + " (expected: finite and >= 0)");
        }
    }

    /**
     * Generates {@code perLanguage} sequences for every language of {@code text}, returned as a corpus with one
     * entry per language: the sequences back to back.
     */
    public TokenizedCorpus generate(Transformer target, TokenizedCorpus text, int perLanguage, PrintStream progress) {
        // The last token is sampled, never fed back: a sequence occupies totalTokens − 1 positions.
        if (totalTokens - 1 > target.config().contextLength()) {
            throw new IllegalArgumentException("totalTokens: " + totalTokens + " (expected: at most the target's context "
                    + target.config().contextLength() + " + 1)");
        }
        Map<String, int[]> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        try (BatchedForward batched = new BatchedForward(target)) {
            for (String lang : text.languages()) {
                long started = System.nanoTime();
                int[] prompts = text.onlyLanguage(lang).sampleWindows(random.split(), perLanguage, promptTokens);
                int[] all = new int[perLanguage * totalTokens];
                for (int from = 0; from < perLanguage; from += BatchedForward.MAX_ROWS) {
                    int count = Math.min(BatchedForward.MAX_ROWS, perLanguage - from);
                    generateGroup(target, batched, prompts, from, count, all, random.split());
                }
                out.put(lang, all);
                progress.printf("generated %d × %d tokens of %s continuations in %.0f s%n", perLanguage, totalTokens, lang,
                        (System.nanoTime() - started) / 1e9);
            }
        }
        return TokenizedCorpus.of(out);
    }

    private void generateGroup(Transformer target, BatchedForward batched, int[] prompts, int from, int count,
                               int[] out, SplittableRandom random) {
        Sampler sampler = new Sampler();
        SamplingParams params = SamplingParams.ofTemperature(temperature, 0);
        List<InferenceSession> sessions = new ArrayList<>();
        int[] next = new int[count];
        try {
            for (int s = 0; s < count; s++) {
                InferenceSession session = target.newSession(totalTokens - 1);
                sessions.add(session);
                int[] prompt = Arrays.copyOfRange(prompts, (from + s) * promptTokens, (from + s + 1) * promptTokens);
                System.arraycopy(prompt, 0, out, (from + s) * totalTokens, promptTokens);
                next[s] = sampler.sample(session.forwardLast(prompt), params, random);
            }
            for (int t = promptTokens; t < totalTokens; t++) {
                List<BatchedForward.Segment> segments = new ArrayList<>(count);
                for (int s = 0; s < count; s++) {
                    out[(from + s) * totalTokens + t] = next[s];
                    segments.add(new BatchedForward.Segment(sessions.get(s), new int[] {next[s]}, false));
                }
                if (t + 1 < totalTokens) {
                    List<float[][]> logits = batched.forward(segments);
                    for (int s = 0; s < count; s++) {
                        next[s] = sampler.sample(logits.get(s)[0], params, random);
                    }
                }
            }
        } finally {
            sessions.forEach(InferenceSession::close);
        }
    }
}
