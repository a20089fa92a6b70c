package dev.specula.router;

import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.router.config.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.config.RoutesConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the GenerationService routes: language, domain, overrides, replicas, and what it learns. */
class GenerationRoutingTest extends ScriptedMeshTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            en | The little girl walked through the forest and found a small house with a red door.
            de | Das kleine Mädchen ging durch den Wald und fand ein kleines Haus mit einer roten Tür.
            fr | La petite fille a traversé la forêt et a trouvé une petite maison avec une porte rouge.
            es | La niña caminó por el bosque y encontró una pequeña casa con una puerta roja.
            ru | Маленькая девочка шла через лес и нашла маленький домик с красной дверью.
            ja | 小さな女の子は森を歩いて、赤いドアのある小さな家を見つけました。
            zh | 小女孩穿过森林，发现了一座有红门的小房子。
            """)
    void generate_promptInLanguage_routesToItsDrafter(String language, String prompt) throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(request(prompt).build()));

        assertThat(summary.getLanguage()).isEqualTo(language);
        assertThat(summary.getRoute()).isEqualTo(language + "/general");
        OpenSessionRequest sent = onlyRequestTo(verifierA);
        assertThat(sent.getDrafter().getDrafterId()).isEqualTo("d-" + language);
        assertThat(sent.getDrafter().getTarget()).isEqualTo("drafter-" + language + "-0:50053");
    }

    @Test
    void generate_languageHint_overridesDetection() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(
                request("The little girl walked through the forest.").setLanguage("DE").build()));

        assertThat(summary.getRoute()).isEqualTo("de/general");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-de");
    }

    @Test
    void generate_undetectablePrompt_fallsBackToEnglish() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(request("12345 67890 !!!").build()));

        assertThat(summary.getLanguage()).isEqualTo("en");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-en");
    }

    @Test
    void generate_promptMatchingDomainRule_routesToDomainDrafter() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(
                request("Write the body of this function: def fibonacci(n): returns the n-th number").build()));

        assertThat(summary.getRoute()).isEqualTo("en/code");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-code");
    }

    @Test
    void generate_domainHint_overridesRules() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(
                request("The little girl walked through the forest.").setDomain("code").build()));

        assertThat(summary.getRoute()).isEqualTo("en/code");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-code");
    }

    @Test
    void generate_drafterOverride_usesThatDrafter() throws IOException {
        RouterHarness router = harness();

        router.generate(request("The little girl walked through the forest.").setDrafter("d-ja").build());

        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-ja");
    }

    @Test
    void generate_speculationOff_sendsNoDrafter() throws IOException {
        RouterHarness router = harness();

        router.generate(request("The little girl walked through the forest.")
                .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_OFF)).build());

        OpenSessionRequest sent = onlyRequestTo(verifierA);
        assertThat(sent.hasDrafter()).isFalse();
        assertThat(sent.getSpeculation().getMode()).isEqualTo(SpeculationMode.SPECULATION_MODE_OFF);
    }

    @Test
    void generate_twoRequests_roundRobinOverVerifiersAndDrafterReplicas() throws IOException {
        RouterHarness router = harness();

        router.generate(request("The little girl walked through the forest.").build());
        router.generate(request("The little girl walked through the forest.").build());

        assertThat(onlyRequestTo(verifierA).getDrafter().getTarget()).isEqualTo("drafter-en-0:50053");
        assertThat(onlyRequestTo(verifierB).getDrafter().getTarget()).isEqualTo("drafter-en-1:50053");
    }

    @Test
    void generate_routeWithTwoCandidates_learnsToPreferTheDrafterTheTargetAcceptsMore() throws IOException {
        RouterConfig config = RouterConfig.builder().model("tiny", a)
                .drafter(DrafterConfig.of("weak", "weak:1")).drafter(DrafterConfig.of("aligned", "aligned:1"))
                .routes(new RoutesConfig(List.of("weak", "aligned"), null, null))
                .explorationRate(0.1).explorationSeed(3).build();
        harness = new RouterHarness(Map.of(a, verifierA), config);
        // Steps of 3 drafts, a target step 10 ms, a block 3 ms: the aligned drafter gets 2 of 3 accepted
        // (expected speedup 3 / 1.3), the weak one none (1 / 1.3). The aligned one's sessions are also made
        // slower end to end (a 40 ms stall before streaming): end-to-end tokens/s would pick the weak one.
        verifierA.scriptByDrafter.put("aligned", ScriptedVerifier.Script.speculates(4, 3, 2, 10, 3));
        verifierA.scriptByDrafter.put("weak", ScriptedVerifier.Script.speculates(12, 3, 0, 10, 3));
        verifierA.stallByDrafter.put("aligned", 40L);

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            harness.generate(request("Once upon a time").build());
            chosen.add(verifierA.requests.getLast().getDrafter().getDrafterId());
        }

        assertThat(chosen.subList(0, 2)).as("each candidate tried once, in preference order").containsExactly("weak", "aligned");
        assertThat(chosen.subList(2, 50).stream().filter("aligned"::equals).count())
                .as("chosen after the first two: " + chosen).isGreaterThanOrEqualTo(43); // 90 % of 48
        dev.specula.router.routing.Route route = new dev.specula.router.routing.Route("en", "general");
        assertThat(harness.router.tracker().stats(route, "aligned").orElseThrow().expectedSpeedup())
                .isCloseTo(3 / 1.3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(harness.router.tracker().stats(route, "weak").orElseThrow().draftCostRatio())
                .isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void generate_afterSessionsOnRoute_startsWithTheDraftLengthTheVerifierSettledOn() throws IOException {
        RouterHarness router = harness();
        // The scripted summaries report draft length 3 for every step.
        router.generate(request("The little girl walked through the forest.").build());
        router.generate(request("The little girl walked through the forest.").build());

        assertThat(verifierA.requests.getFirst().getSpeculation().getDraftLength()).isEqualTo(4);
        assertThat(verifierB.requests.getFirst().getSpeculation().getDraftLength()).isEqualTo(3);
    }
}
