package dev.specula.e2e;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.InferenceSession;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.spec.ChiSquare;
import dev.specula.engine.spec.SamplingParams;
import dev.specula.engine.spec.Sampler;
import dev.specula.engine.spec.SparseDistribution;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sampled output through the mesh follows the target's distribution: the first two generated tokens of many
 * seeded requests, against the target's exact joint distribution (computed in-process), by Pearson's
 * chi-square with p > 1e-3. Drafting with k = 1 at T = 1 means the first token is a verified draft or a
 * recovered token and the second a bonus or the next block's first, so every branch of the acceptance rule
 * feeds the counts. The 4-layer drafter disagrees with the target often enough that rejections are common.
 */
class MeshSampledDistributionTest {

    private static final String PROMPT = "Lily saw a";
    private static final int REQUESTS = 1500;
    private static final float TEMPERATURE = 1.0f;

    @TempDir
    Path work;

    @Test
    void generate_sampledThroughMesh_firstTwoTokensFollowTheTarget() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        int vocab;
        int eos;
        double[] joint;
        try (Backend backend = Backends.create("vector");
             ModelFile target = ModelFile.open(models.target(), models.targetTokenizer())) {
            Transformer model = target.load(backend);
            vocab = model.config().vocabSize();
            eos = target.tokenizer().eosId();
            joint = jointOfFirstTwo(model, new Generator(model, target.tokenizer()).promptTokens(PROMPT), eos,
                    target.tokenizer().bosId());
        }
        long[] observed = new long[vocab * vocab];
        double accepted = 0;
        double drafted = 0;
        try (LocalMesh mesh = LocalMesh.start(models, 0, LocalMesh.Mode.ONE_JVM, work, step -> { });
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            for (int seed = 0; seed < REQUESTS; seed++) {
                GenerateRequest request = GenerateRequest.newBuilder().setPrompt(PROMPT).setMaxTokens(2)
                        .setDrafter(MeshConfigs.DRAFTER_FOUR_LAYERS)
                        .setSampling(Sampling.newBuilder().setTemperature(TEMPERATURE).setSeed(seed))
                        .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                                .setDraftLength(1))
                        .build();
                MeshClient.Completion done = client.generate(request);
                List<Integer> ids = done.tokenIds(); // fewer than 2 when the target ended the text
                int x1 = ids.isEmpty() ? eos : ids.get(0);
                int x2 = ids.size() < 2 ? eos : ids.get(1);
                observed[x1 * vocab + x2]++;
                accepted += done.summary().getAcceptedTokens();
                drafted += done.summary().getDraftedTokens();
            }
        }
        ChiSquare.Statistic statistic = ChiSquare.pearson(observed, joint);
        System.out.printf("sampled through the mesh: %d requests, %s, acceptance %.3f%n", REQUESTS, statistic,
                accepted / drafted);
        assertThat(statistic.pValue()).as(statistic.toString()).isGreaterThan(1e-3);
        // The test means something only if drafts were both accepted and rejected.
        assertThat(accepted / drafted).as("acceptance rate").isBetween(0.05, 0.95);
    }

    /**
     * P(x1, x2) = p(x1) p(x2 | x1) at the test's temperature, exactly as the target alone samples; a stop
     * token (EOS or BOS, which end the text) counts as EOS, and nothing follows it but EOS.
     */
    private static double[] jointOfFirstTwo(Transformer model, int[] prompt, int eos, int bos) {
        int vocab = model.config().vocabSize();
        SamplingParams params = SamplingParams.ofTemperature(TEMPERATURE, 0);
        Sampler sampler = new Sampler();
        double[] joint = new double[vocab * vocab];
        try (InferenceSession session = model.newSession()) {
            SparseDistribution first = sampler.distribution(session.forwardLast(prompt), params);
            int base = session.position();
            for (int i = 0; i < first.size(); i++) {
                int x1 = first.tokenAt(i);
                if (x1 == eos || x1 == bos) {
                    joint[eos * vocab + eos] += first.probAt(i);
                    continue;
                }
                session.truncate(base);
                SparseDistribution second = sampler.distribution(session.step(x1), params);
                for (int j = 0; j < second.size(); j++) {
                    int x2 = second.tokenAt(j) == bos ? eos : second.tokenAt(j);
                    joint[x1 * vocab + x2] += (double) first.probAt(i) * second.probAt(j);
                }
            }
        }
        return joint;
    }
}
