package dev.specula.engine.spec;

import dev.specula.engine.sample.ChiSquare;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded statistical tests that speculative sampling is lossless: whatever the draft, generated text follows
 * the target model exactly. Target and draft are Markov chains over {@value #VOCAB} tokens; each trial
 * generates {@value #LENGTH} tokens after prompt token {@value #START} by speculative decoding.
 *
 * <p>Two statistics, each a Pearson chi-square at significance {@value #ALPHA}:
 * <ul>
 *   <li>the joint distribution of the first three tokens against the exact
 *       {@code P(a | start) P(b | a) P(c | b)} (216 cells, ~215 degrees of freedom);</li>
 *   <li>every transition of the {@value #LENGTH} tokens, grouped by previous token, against {@code P(· | prev)}
 *       (Anderson and Goodman's test for Markov chains), which also covers block boundaries, bonus tokens and,
 *       for k = 1, many rounds.</li>
 * </ul>
 * Each trial is one request with its own seed (from a fixed seed), so the statistics are over seeds, as the
 * promise "exactly the target's distribution" is; the outcome is deterministic; a token the target cannot produce
 * makes a statistic infinite. The negative controls run the same statistics on wrong rules to show the test has
 * power. Beside them, the pathwise promise: for one seed the output is the same whatever k and whichever draft.
 */
class SpeculativeLosslessTest {

    static final int VOCAB = 6;
    static final int START = 0;
    static final int LENGTH = 8;
    static final int TRIALS = 100_000;
    static final double ALPHA = 1e-3;

    /** The target: every transition possible, probabilities between about 0.06 and 0.27. */
    private static final MarkovChain P = MarkovChain.random(VOCAB, 0.3, 1);

    /** A draft setting relative to the target. */
    enum Scenario {
        /** A good draft: 85% the target, 15% noise. */
        Q_CLOSE_TO_P {
            @Override
            MarkovChain target() {
                return P;
            }

            @Override
            MarkovChain draft() {
                MarkovChain noise = MarkovChain.random(VOCAB, 0, 2);
                return MarkovChain.ofRows(VOCAB, s -> mix(P.row(s), 0.85, noise.row(s)));
            }
        },
        /** A bad draft: q ∝ p^-3, most likely where the target is least likely. */
        Q_FAR_FROM_P {
            @Override
            MarkovChain target() {
                return P;
            }

            @Override
            MarkovChain draft() {
                return MarkovChain.ofRows(VOCAB, s -> {
                    double[] row = P.row(s);
                    for (int x = 0; x < VOCAB; x++) {
                        row[x] = Math.pow(row[x], -3);
                    }
                    return row;
                });
            }
        },
        /** q gives zero probability to each row's two most likely target tokens: they come only from recovery. */
        Q_SMALLER_SUPPORT_THAN_P {
            @Override
            MarkovChain target() {
                return P;
            }

            @Override
            MarkovChain draft() {
                return MarkovChain.ofRows(VOCAB, s -> {
                    double[] row = P.row(s);
                    for (int drop = 0; drop < 2; drop++) {
                        int best = 0;
                        for (int x = 1; x < VOCAB; x++) {
                            best = row[x] > row[best] ? x : best;
                        }
                        row[best] = 0;
                    }
                    return row;
                });
            }
        },
        /** The target never produces tokens 4 and 5; the draft proposes them often, and they are always rejected. */
        Q_SUPPORT_P_LACKS {
            @Override
            MarkovChain target() {
                return MarkovChain.ofRows(VOCAB, s -> {
                    double[] row = P.row(s);
                    row[4] = 0;
                    row[5] = 0;
                    return row;
                });
            }

            @Override
            MarkovChain draft() {
                return MarkovChain.ofRows(VOCAB, s -> mix(P.row(s), 0.5, new double[] {1, 1, 1, 1, 1, 1}));
            }
        };

        abstract MarkovChain target();

        abstract MarkovChain draft();

        private static double[] mix(double[] a, double weightOfA, double[] b) {
            double sumB = 0;
            for (double v : b) {
                sumB += v;
            }
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = weightOfA * a[i] + (1 - weightOfA) * b[i] / sumB;
            }
            return out;
        }
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(Scenario.values()).flatMap(s -> Stream.of(Arguments.of(s, 1), Arguments.of(s, 8)));
    }

    @ParameterizedTest(name = "{0}, k={1}")
    @MethodSource("scenarios")
    void verify_speculativeGeneration_committedTokensFollowTarget(Scenario scenario, int k) {
        MarkovChain target = scenario.target();
        Samples samples = simulate(target, scenario.draft(), k, SpeculativeSimulation.LOSSLESS, 1000L * k + scenario.ordinal());

        ChiSquare.Statistic joint = samples.jointOfFirstThree(target);
        ChiSquare.Statistic transitions = samples.transitions(target);
        assertThat(joint.pValue()).as("first three tokens jointly: %s", joint).isGreaterThan(ALPHA);
        assertThat(transitions.pValue()).as("transitions: %s", transitions).isGreaterThan(ALPHA);
    }

    @ParameterizedTest(name = "k={0}")
    @MethodSource("blockSizes")
    void negativeControl_alwaysAcceptRule_failsTheSameTest(int k) {
        MarkovChain draft = Scenario.Q_FAR_FROM_P.draft();
        Samples samples = simulate(P, draft, k, SpeculativeSimulation.ALWAYS_ACCEPT, 77);
        // The output follows q, far from p: the statistic is thousands of standard deviations out.
        assertThat(samples.jointOfFirstThree(P).pValue()).isLessThan(1e-100);
        assertThat(samples.transitions(P).pValue()).isLessThan(1e-100);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, names = {"Q_CLOSE_TO_P", "Q_FAR_FROM_P"})
    void negativeControl_noiseIgnoringPosition_failsTheSameTest(Scenario scenario) {
        // A subtle bug: every token's marginal is right, only successive draws share their noise.
        Samples samples = simulate(P, scenario.draft(), 4, SpeculativeSimulation.NOISE_IGNORES_POSITION, 78);
        ChiSquare.Statistic joint = samples.jointOfFirstThree(P);
        ChiSquare.Statistic transitions = samples.transitions(P);
        assertThat(joint.pValue()).as("%s", joint).isLessThan(ALPHA);
        assertThat(transitions.pValue()).as("%s", transitions).isLessThan(ALPHA);
    }

    @Test
    void generate_sameSeed_sameOutputForEveryKAndDraft_equalToPlainDecoding() {
        for (long seed = 0; seed < 200; seed++) {
            int[] plain = SpeculativeSimulation.plain(P, 40, START, seed);
            for (Scenario scenario : new Scenario[] {Scenario.Q_CLOSE_TO_P, Scenario.Q_FAR_FROM_P,
                    Scenario.Q_SMALLER_SUPPORT_THAN_P}) {
                MarkovChain draft = scenario.draft();
                for (int k = 1; k <= 8; k++) {
                    assertThat(SpeculativeSimulation.generate(P, draft, k, 40, START, SpeculativeSimulation.LOSSLESS,
                            seed)).as("seed %d, %s, k=%d", seed, scenario, k).containsExactly(plain);
                }
            }
        }
    }

    static Stream<Integer> blockSizes() {
        return Stream.of(1, 8);
    }

    /** {@value #TRIALS} requests, each with its own seed drawn from {@code seed}. */
    private static Samples simulate(MarkovChain target, MarkovChain draft, int k, SpeculativeSimulation.Rule rule,
                                    long seed) {
        var seeds = new SplittableRandom(seed);
        int[][] sequences = new int[TRIALS][];
        for (int t = 0; t < TRIALS; t++) {
            sequences[t] = SpeculativeSimulation.generate(target, draft, k, LENGTH, START, rule, seeds.nextLong());
        }
        return new Samples(sequences);
    }

    /** Generated sequences and the statistics computed from them. */
    private record Samples(int[][] sequences) {

        ChiSquare.Statistic jointOfFirstThree(MarkovChain target) {
            long[] counts = new long[VOCAB * VOCAB * VOCAB];
            for (int[] s : sequences) {
                counts[(s[0] * VOCAB + s[1]) * VOCAB + s[2]]++;
            }
            double[] expected = new double[counts.length];
            for (int a = 0; a < VOCAB; a++) {
                for (int b = 0; b < VOCAB; b++) {
                    for (int c = 0; c < VOCAB; c++) {
                        expected[(a * VOCAB + b) * VOCAB + c] = target.p(START, a) * target.p(a, b) * target.p(b, c);
                    }
                }
            }
            return ChiSquare.pearson(counts, expected);
        }

        ChiSquare.Statistic transitions(MarkovChain target) {
            long[][] counts = new long[VOCAB][VOCAB];
            for (int[] s : sequences) {
                int previous = START;
                for (int token : s) {
                    counts[previous][token]++;
                    previous = token;
                }
            }
            ChiSquare.Statistic total = new ChiSquare.Statistic(0, 0);
            for (int previous = 0; previous < VOCAB; previous++) {
                total = total.plus(ChiSquare.pearson(counts[previous], target.row(previous)));
            }
            return total;
        }
    }
}
