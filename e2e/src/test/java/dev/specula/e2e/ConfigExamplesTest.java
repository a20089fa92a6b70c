package dev.specula.e2e;

import dev.specula.drafter.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.verifier.VerifierConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example configurations in config/ load, and name the drafters the default mesh derives. */
class ConfigExamplesTest {

    private static final Path CONFIG = Path.of("../config"); // tests run in e2e/

    @Test
    void load_everyExample_validAndConsistent() throws Exception {
        DefaultModels models = TestMeshes.defaultModels(); // writes the derived drafters the drafter example names
        DrafterConfig drafter = DrafterConfig.load(CONFIG.resolve("drafter.yaml"));
        VerifierConfig verifier = VerifierConfig.load(CONFIG.resolve("verifier.yaml"));
        RouterConfig router = RouterConfig.load(CONFIG.resolve("router.yaml"));

        assertThat(drafter.models()).extracting(DrafterConfig.ModelSpec::id)
                .containsExactly(MeshConfigs.DRAFTER_Q8, MeshConfigs.DRAFTER_FOUR_LAYERS);
        assertThat(drafter.models().getFirst().model().toRealPath()).isEqualTo(models.drafterQ8().toRealPath());
        assertThat(verifier.model().toRealPath()).isEqualTo(models.target().toRealPath());
        assertThat(router.drafters()).extracting(d -> d.id())
                .containsExactly(MeshConfigs.DRAFTER_Q8, MeshConfigs.DRAFTER_FOUR_LAYERS);
        assertThat(router.models()).containsKey(verifier.modelName());
    }
}
