package dev.specula.engine.spec;

import dev.specula.engine.sample.RejectionSampler;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.Verification;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;

import java.util.Arrays;

/**
 * Speculative decoding in one process: a draft model proposes k tokens, the target scores the last
 * committed token plus the block in one forward pass, and {@link RejectionSampler} decides what is
 * committed. Both KV caches roll back past rejected drafts.
 *
 * <p>Every token, drafted or committed, is drawn with {@link Sampler#sample(float[], SamplingParams, int)} at its
 * sequence position, so the output is token for token the target's own plain decoding with the same seed
 * (and has the target's distribution over seeds), whatever {@code k} and whichever draft model.
 */
public final class SpeculativeDecoder {

    private final Transformer target;
    private final Transformer draft;
    private final Sampler sampler = new Sampler();

    public SpeculativeDecoder(Transformer target, Transformer draft) {
        if (target.config().vocabSize() != draft.config().vocabSize()) {
            throw new IllegalArgumentException("draft vocabulary: " + draft.config().vocabSize()
                    + " tokens (expected: the target's " + target.config().vocabSize() + ")");
        }
        this.target = target;
        this.draft = draft;
    }

    /**
     * Generates up to {@code maxTokens} tokens after {@code prompt} (which starts with BOS), drafting
     * {@code k} tokens per step, stopping after any of {@code stopTokens}, which is not emitted.
     */
    public SpeculativeResult generate(int[] prompt, int maxTokens, int k, SamplingParams params, int... stopTokens) {
        if (prompt.length == 0 || maxTokens <= 0 || k <= 0) {
            throw new IllegalArgumentException("prompt: " + prompt.length + " tokens, maxTokens: " + maxTokens
                    + ", k: " + k + " (expected: all > 0)");
        }
        int capacity = Math.min(target.config().contextLength(), draft.config().contextLength());
        int[] out = new int[maxTokens];
        int count = 0;
        int steps = 0;
        int drafted = 0;
        int accepted = 0;
        int rejected = 0;
        try (InferenceSession t = target.newSession(capacity); InferenceSession d = draft.newSession(capacity)) {
            // Invariant: the target's cache holds every committed token but the last, which is fed next with
            // the block. The drafter may lag one token more (after a fully accepted block): draftPending.
            if (prompt.length > 1) {
                t.forwardLast(Arrays.copyOf(prompt, prompt.length - 1)); // only the last row's logits are computed
            }
            int last = prompt[prompt.length - 1];
            int[] draftPending = prompt;
            int committed = prompt.length;
            while (count < maxTokens) {
                int block = Math.min(k, capacity - committed);
                if (block <= 0) {
                    break;
                }
                int[] tokens = new int[block];
                float[] logits = d.forwardLast(draftPending);
                for (int i = 0; i < block; i++) {
                    tokens[i] = sampler.sample(logits, params, committed + i); // drawn at its position
                    if (i + 1 < block) {
                        logits = d.step(tokens[i]);
                    }
                }
                int[] verifyInput = new int[block + 1];
                verifyInput[0] = last;
                System.arraycopy(tokens, 0, verifyInput, 1, block);
                float[][] scored = t.forwardAll(verifyInput); // [block + 1, vocab]
                Verification v = RejectionSampler.verify(scored, tokens, params, committed);
                steps++;
                drafted += block;
                accepted += v.accepted();
                rejected += v.accepted() < block ? 1 : 0;
                committed += v.accepted() + 1;
                t.truncate(committed - 1);
                d.truncate(Math.min(d.position(), committed - 1));
                last = v.nextToken();
                draftPending = v.accepted() == block ? new int[] {tokens[block - 1], last} : new int[] {last};
                for (int token : v.committed()) {
                    if (contains(stopTokens, token)) {
                        return new SpeculativeResult(Arrays.copyOf(out, count), steps, drafted, accepted, rejected);
                    }
                    out[count++] = token;
                    if (count == maxTokens) {
                        break;
                    }
                }
            }
        }
        return new SpeculativeResult(Arrays.copyOf(out, count), steps, drafted, accepted, rejected);
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
