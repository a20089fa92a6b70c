package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.MeshConfigs;

import dev.specula.drafter.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.verifier.VerifierConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example configurations in config/ load, and describe the default mesh: the family's target, its general
 * drafter and one specialised drafter per language (of one distillation method, not necessarily
 * {@link DefaultModels#METHOD}: they name files, and either method's work), routed like the default mesh.
 */
class ConfigExamplesTest {

    private static final Path CONFIG = Path.of("../config"); // tests run in e2e/

    @Test
    void load_everyExample_validAndConsistent() throws Exception {
        DefaultModels models = TestMeshes.defaultModels();
        DrafterConfig drafter = DrafterConfig.load(CONFIG.resolve("drafter.yaml"));
        VerifierConfig verifier = VerifierConfig.load(CONFIG.resolve("verifier.yaml"));
        RouterConfig router = RouterConfig.load(CONFIG.resolve("router.yaml"));
        Path family = models.target().getParent().toRealPath();

        assertThat(verifier.model().toRealPath()).isEqualTo(models.target().toRealPath());
        assertThat(verifier.tokenizer()).as("embedded in the target").isNull();
        assertThat(router.models()).containsKey(verifier.modelName());

        assertThat(drafter.models()).hasSize(1 + DefaultModels.LANGUAGES.size());
        List<String> ids = drafter.models().stream().map(DrafterConfig.ModelSpec::id).toList();
        for (DrafterConfig.ModelSpec spec : drafter.models()) {
            assertThat(spec.model().toRealPath().getParent()).as(spec.id()).isEqualTo(family); // exists, in models/
            assertThat(spec.id()).isEqualTo(MeshConfigs.modelId(spec.model()));
        }
        String general = ids.getFirst();
        String method = general.substring(general.lastIndexOf('-') + 1);
        assertThat(general).isEqualTo("specula-drafter-general-" + method);
        assertThat(router.drafters()).extracting(d -> d.id()).containsExactlyElementsOf(ids);
        assertThat(router.routes().defaultDrafters()).containsExactly(general);
        for (String language : DefaultModels.LANGUAGES) {
            String specialised = "specula-drafter-" + language + "-" + method;
            assertThat(ids).contains(specialised);
            assertThat(router.routes().languages().get(language)).as(language).containsExactly(specialised, general);
        }
        assertThat(router.detectLanguages()).containsExactlyInAnyOrderElementsOf(DefaultModels.DETECT_LANGUAGES);
        assertThat(router.http().port()).isEqualTo(8080);
        assertThat(router.http().chatTemplates()).as("the family has no chat template: the default applies").isEmpty();
    }
}
