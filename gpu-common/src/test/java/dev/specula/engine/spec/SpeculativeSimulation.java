package dev.specula.engine.spec;

import dev.specula.engine.sample.RejectionSampler;
import dev.specula.engine.sample.SeededDraw;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.engine.sample.Verification;
import java.util.Arrays;

/**
 * Speculative generation with Markov models, as the engine and the mesh do it: draft {@code k} tokens from the
 * draft chain, each drawn at its sequence position with the request's seeded noise ({@link SeededDraw}), verify
 * them against the target chain's distribution at every block position, commit, repeat. The prompt token is at
 * position 0, generated tokens at 1, 2, ...
 */
final class SpeculativeSimulation {

    /** An acceptance rule with {@link RejectionSampler#verify(SparseDistribution[], int[], long, int)}'s contract. */
    @FunctionalInterface
    interface Rule {
        Verification verify(SparseDistribution[] target, int[] draftTokens, long seed, int basePosition);
    }

    /** The rule under test. */
    static final Rule LOSSLESS = RejectionSampler::verify;

    /** Wrong on purpose: accepts every draft token, so the output follows the draft. */
    static final Rule ALWAYS_ACCEPT = (target, drafts, seed, base) -> {
        int k = drafts.length;
        int[] committed = Arrays.copyOf(drafts, k + 1);
        committed[k] = SeededDraw.token(target[k], seed, base + k);
        return new Verification(k, committed, true);
    };

    /**
     * Wrong on purpose, the classic bug of seeded sampling: the target draws every token with the noise of one
     * position, so each token's marginal is right but consecutive tokens are correlated.
     */
    static final Rule NOISE_IGNORES_POSITION = (target, drafts, seed, base) -> {
        int[] targetTokens = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            targetTokens[i] = SeededDraw.token(target[i], seed, 0);
        }
        return RejectionSampler.verify(targetTokens, drafts);
    };

    private SpeculativeSimulation() {
    }

    /**
     * Generates {@code length} tokens after the prompt token {@code start}, in blocks of {@code k} drafts, with
     * the request seed {@code seed}. Tokens committed past {@code length} in the last block are dropped.
     */
    static int[] generate(MarkovChain target, MarkovChain draft, int k, int length, int start, Rule rule, long seed) {
        int[] out = new int[length];
        int n = 0;
        int last = start;
        int[] drafts = new int[k];
        SparseDistribution[] p = new SparseDistribution[k + 1];
        while (n < length) {
            int base = n + 1; // the sequence position of the first draft token
            int context = last;
            p[0] = target.next(last);
            for (int i = 0; i < k; i++) {
                drafts[i] = SeededDraw.token(draft.next(context), seed, base + i);
                context = drafts[i];
                p[i + 1] = target.next(context); // the target's distribution given the drafts so far
            }
            for (int token : rule.verify(p, drafts, seed, base).committed()) {
                if (n < length) {
                    out[n++] = token;
                }
                last = token;
            }
        }
        return out;
    }

    /** Plain decoding of the target alone with the request seed {@code seed}: one draw per position. */
    static int[] plain(MarkovChain target, int length, int start, long seed) {
        int[] out = new int[length];
        int last = start;
        for (int n = 0; n < length; n++) {
            last = SeededDraw.token(target.next(last), seed, n + 1);
            out[n] = last;
        }
        return out;
    }
}
