package dev.specula.verifier.testing;

import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.SeededDraw;
import dev.specula.engine.sample.SparseDistribution;

import java.util.List;
import java.util.random.RandomGenerator;

/** How a {@link ScriptedDrafter} (a test double of the drafter service) makes up its draft tokens. */
@FunctionalInterface
public interface Proposer {

    /**
     * A proposal: {@code tokens} holds n drafts then one more, the token the drafter predicts after them;
     * {@code q} the n draft distributions (null when greedy).
     */
    record Proposal(int[] tokens, SparseDistribution[] q) {
    }

    /** Proposes {@code n} tokens to follow {@code sequence}. */
    Proposal propose(List<Integer> sequence, int n, SamplingParams params, RandomGenerator random);

    /**
     * The target's own choices, computed with a second copy of the target: its greedy continuation, or when
     * sampling, the target's seeded draws at the drafts' positions, with its distribution as q (so q = p): every
     * draft is accepted, as from a real drafter whose model equals the target.
     */
    static Proposer oracle(Transformer target) {
        Sampler sampler = new Sampler();
        return (sequence, n, params, random) -> {
            int[] tokens = new int[n + 1];
            SparseDistribution[] q = params.isGreedy() ? null : new SparseDistribution[n];
            synchronized (target) {
                try (InferenceSession s = target.newSession(Math.min(target.config().contextLength(),
                        sequence.size() + n + 1))) {
                    float[] logits = s.forwardLast(sequence.stream().mapToInt(Integer::intValue).toArray());
                    for (int i = 0; i <= n; i++) {
                        if (params.isGreedy()) {
                            tokens[i] = Sampler.argmax(logits);
                        } else {
                            SparseDistribution p = sampler.distribution(logits, params);
                            tokens[i] = SeededDraw.token(p, params.seed(), sequence.size() + i);
                            if (i < n) {
                                q[i] = p;
                            }
                        }
                        if (i < n && s.position() < s.capacity()) {
                            logits = s.step(tokens[i]);
                        }
                    }
                }
            }
            return new Proposal(tokens, q);
        };
    }

    /** Tokens drawn uniformly from the vocabulary, with the uniform distribution as q. */
    static Proposer uniform(int vocabSize) {
        float[] flat = new float[vocabSize];
        java.util.Arrays.fill(flat, 1f / vocabSize);
        SparseDistribution uniform = SparseDistribution.fromDense(flat);
        return (sequence, n, params, random) -> {
            int[] tokens = new int[n + 1];
            SparseDistribution[] q = new SparseDistribution[n];
            for (int i = 0; i <= n; i++) {
                tokens[i] = random.nextInt(vocabSize);
                if (i < n) {
                    q[i] = uniform;
                }
            }
            return new Proposal(tokens, params.isGreedy() ? null : q);
        };
    }

    /** The oracle's tokens, except that the one at {@code (length of the sequence) mod n} is wrong. */
    static Proposer corrupted(Proposer oracle, int vocabSize) {
        return (sequence, n, params, random) -> {
            Proposal p = oracle.propose(sequence, n, params, random);
            int[] tokens = p.tokens().clone();
            int at = sequence.size() % n;
            tokens[at] = (tokens[at] + 1) % vocabSize;
            return new Proposal(tokens, p.q());
        };
    }
}
