package dev.specula.engine.spec;

import dev.specula.engine.sample.RejectionSampler;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.engine.sample.Verification;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Speculative generation with Markov models: draft {@code k} tokens autoregressively from the draft chain,
 * verify them against the target chain's distribution at every block position, commit, repeat.
 */
final class SpeculativeSimulation {

    /** An acceptance rule with {@link RejectionSampler#verify}'s contract, so tests can plug in wrong ones. */
    @FunctionalInterface
    interface Rule {
        Verification verify(SparseDistribution[] target, int[] draftTokens, SparseDistribution[] draft,
                            RandomGenerator rng);
    }

    /** The rule under test. */
    static final Rule LOSSLESS = RejectionSampler::verify;

    /** Wrong on purpose: accepts every draft token, so the output follows the draft. */
    static final Rule ALWAYS_ACCEPT = (target, drafts, draft, rng) -> {
        int k = drafts.length;
        int[] committed = Arrays.copyOf(drafts, k + 1);
        committed[k] = target[k].sample(rng);
        return new Verification(k, committed, true);
    };

    /** Wrong on purpose, a classic bug: the right acceptance test, but the recovered token is drawn from p, not p - q. */
    static final Rule RECOVER_FROM_TARGET = (target, drafts, draft, rng) -> {
        for (int i = 0; i < drafts.length; i++) {
            int x = drafts[i];
            if (!(rng.nextDouble() * draft[i].prob(x) < target[i].prob(x))) {
                int[] committed = Arrays.copyOf(drafts, i + 1);
                committed[i] = target[i].sample(rng);
                return new Verification(i, committed, false);
            }
        }
        int[] committed = Arrays.copyOf(drafts, drafts.length + 1);
        committed[drafts.length] = target[drafts.length].sample(rng);
        return new Verification(drafts.length, committed, true);
    };

    private SpeculativeSimulation() {
    }

    /**
     * Generates {@code length} tokens after the prompt token {@code start}, in blocks of {@code k} drafts.
     * Tokens committed past {@code length} in the last block are dropped.
     */
    static int[] generate(MarkovChain target, MarkovChain draft, int k, int length, int start, Rule rule,
                          RandomGenerator rng) {
        int[] out = new int[length];
        int n = 0;
        int last = start;
        int[] drafts = new int[k];
        SparseDistribution[] q = new SparseDistribution[k];
        SparseDistribution[] p = new SparseDistribution[k + 1];
        while (n < length) {
            int context = last;
            p[0] = target.next(last);
            for (int i = 0; i < k; i++) {
                q[i] = draft.next(context);
                drafts[i] = q[i].sample(rng);
                context = drafts[i];
                p[i + 1] = target.next(context); // the target's distribution given the drafts so far
            }
            for (int token : rule.verify(p, drafts, q, rng).committed()) {
                if (n < length) {
                    out[n++] = token;
                }
                last = token;
            }
        }
        return out;
    }
}
