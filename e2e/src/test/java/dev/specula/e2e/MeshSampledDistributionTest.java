package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.LocalMesh;
import dev.specula.cli.MeshClient;
import dev.specula.cli.MeshConfigs;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.ChiSquare;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.sample.Sampler;
import dev.specula.engine.sample.SparseDistribution;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampled output through the mesh follows the target's distribution: the first two generated tokens of many
 * seeded requests, against the target's exact joint distribution (computed in-process), by Pearson's
 * chi-square with p > 1e-3. Drafting with k = 1 at T = 1 means the first token is a verified draft or a
 * recovered token and the second a bonus or the next block's first, so every branch of the acceptance rule
 * feeds the counts. The general drafter is a twelfth of the target: it disagrees with it often enough that
 * rejections are common, and agrees often enough that acceptances are too.
 */
class MeshSampledDistributionTest {

    private static final String PROMPT = "The installer will ask you to";
    private static final int REQUESTS = 1500;
    private static final float TEMPERATURE = 1.0f;
    /**
     * Pairs the target gives less than this probability (fewer than one expected observation) share one cell:
     * the 4,096² pairs need not be listed, nor the second token's distribution computed after every first token.
     * Pooling cells keeps the test exact; {@link ChiSquare} pools further to five expected observations a bin.
     */
    private static final double OWN_CELL = 1.0 / REQUESTS;

    @TempDir
    Path work;

    /**
     * The target's joint distribution of the first two tokens, as cells of {@code probabilities}: a pair
     * ({@code x1 * vocab + x2}) in {@code cells} has its own; every other pair of positive probability is in
     * {@link #REST}: those in {@code pooled}, and all pairs of a first token that was not {@code expanded}
     * (its second distribution not computed) but has a positive {@code firstProbabilities} entry.
     */
    private record Joint(double[] probabilities, Map<Integer, Integer> cells, Set<Integer> pooled,
                         boolean[] expanded, float[] firstProbabilities) {
        static final int REST = 0;
    }

    @Test
    void generate_sampledThroughMesh_firstTwoTokensFollowTheTarget() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        String drafter = MeshConfigs.modelId(models.generalDrafter());
        int vocab;
        int eos;
        Joint joint;
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(models.target(), models.targetTokenizer())) {
            Transformer model = target.load(backend);
            vocab = model.config().vocabSize();
            eos = target.tokenizer().eosId();
            joint = jointOfFirstTwo(model, new Generator(model, target.tokenizer()).promptTokens(PROMPT), eos,
                    target.tokenizer().bosId());
        }
        long[] observed = new long[joint.probabilities().length];
        long impossible = 0;
        double accepted = 0;
        double drafted = 0;
        try (LocalMesh mesh = LocalMesh.start(models, 0, LocalMesh.Mode.ONE_JVM, work, step -> { });
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            for (int seed = 0; seed < REQUESTS; seed++) {
                GenerateRequest request = GenerateRequest.newBuilder().setPrompt(PROMPT).setMaxTokens(2)
                        .setDrafter(drafter)
                        .setSampling(Sampling.newBuilder().setTemperature(TEMPERATURE).setSeed(seed))
                        .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                                .setDraftLength(1))
                        .build();
                MeshClient.Completion done = client.generate(request);
                List<Integer> ids = done.tokenIds(); // fewer than 2 when the target ended the text
                int x1 = ids.isEmpty() ? eos : ids.get(0);
                int x2 = ids.size() < 2 ? eos : ids.get(1);
                int cell = cellOf(joint, x1, x2, vocab);
                if (cell < 0) {
                    impossible++;
                } else {
                    observed[cell]++;
                }
                accepted += done.summary().getAcceptedTokens();
                drafted += done.summary().getDraftedTokens();
            }
        }
        assertThat(impossible).as("pairs the target gives probability 0").isZero();
        ChiSquare.Statistic statistic = ChiSquare.pearson(observed, joint.probabilities());
        System.out.printf("sampled through the mesh: %d requests, drafter %s, %d cells, %s, acceptance %.3f%n",
                REQUESTS, drafter, observed.length, statistic, accepted / drafted);
        assertThat(statistic.pValue()).as(statistic.toString()).isGreaterThan(1e-3);
        // The test means something only if the target's distribution is spread over many pairs,
        assertThat(statistic.degreesOfFreedom()).as("degrees of freedom").isGreaterThanOrEqualTo(5);
        // and if drafts were both accepted and rejected.
        assertThat(accepted / drafted).as("acceptance rate").isBetween(0.05, 0.95);
    }

    /** The cell of the pair (x1, x2); -1 when the target gives it probability 0. */
    private static int cellOf(Joint joint, int x1, int x2, int vocab) {
        Integer own = joint.cells().get(x1 * vocab + x2);
        if (own != null) {
            return own;
        }
        if (!joint.expanded()[x1]) {
            return joint.firstProbabilities()[x1] > 0 ? Joint.REST : -1;
        }
        return joint.pooled().contains(x1 * vocab + x2) ? Joint.REST : -1;
    }

    /**
     * P(x1, x2) = p(x1) p(x2 | x1) at the test's temperature, exactly as the target alone samples; a stop
     * token (EOS or BOS, which end the text) counts as EOS, and nothing follows it but EOS. Only first tokens of
     * probability at least {@link #OWN_CELL} are followed by a second pass: the pairs of the others are all below
     * it, so their whole mass p(x1) goes to the shared cell.
     */
    private static Joint jointOfFirstTwo(Transformer model, int[] prompt, int eos, int bos) {
        int vocab = model.config().vocabSize();
        SamplingParams params = SamplingParams.ofTemperature(TEMPERATURE, 0);
        Sampler sampler = new Sampler();
        Map<Integer, Double> pairs = new HashMap<>();
        boolean[] expanded = new boolean[vocab];
        float[] firstProbabilities = new float[vocab];
        double rest = 0;
        try (InferenceSession session = model.newSession()) {
            SparseDistribution first = sampler.distribution(session.forwardLast(prompt), params);
            int base = session.position();
            for (int i = 0; i < first.size(); i++) {
                int x1 = first.tokenAt(i);
                double p1 = first.probAt(i);
                if (x1 == eos || x1 == bos) {
                    firstProbabilities[eos] += (float) p1;
                    expanded[eos] = true;
                    pairs.merge(eos * vocab + eos, p1, Double::sum);
                    continue;
                }
                firstProbabilities[x1] += (float) p1;
                if (p1 < OWN_CELL) {
                    rest += p1;
                    continue;
                }
                expanded[x1] = true;
                session.truncate(base);
                SparseDistribution second = sampler.distribution(session.step(x1), params);
                for (int j = 0; j < second.size(); j++) {
                    int x2 = second.tokenAt(j) == bos ? eos : second.tokenAt(j);
                    pairs.merge(x1 * vocab + x2, p1 * second.probAt(j), Double::sum);
                }
            }
        }
        Map<Integer, Integer> cells = new HashMap<>();
        Set<Integer> pooled = new HashSet<>();
        double[] probabilities = new double[1 + (int) pairs.values().stream().filter(p -> p >= OWN_CELL).count()];
        for (Map.Entry<Integer, Double> pair : pairs.entrySet()) {
            if (pair.getValue() >= OWN_CELL) {
                cells.put(pair.getKey(), cells.size() + 1);
                probabilities[cells.size()] = pair.getValue();
            } else if (pair.getValue() > 0) {
                pooled.add(pair.getKey());
                rest += pair.getValue();
            }
        }
        probabilities[Joint.REST] = rest;
        return new Joint(probabilities, cells, pooled, expanded, firstProbabilities);
    }
}
