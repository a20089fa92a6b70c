package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.router.language.LanguageIdentifier;
import dev.specula.rpc.ProtocolLimits;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an outside client can make the router keep, echo or log: name-like fields are bounded, unknown domains and
 * unserved languages route as "general" and "unknown" instead of becoming new routes.
 */
class ClientInputBoundsTest extends ScriptedMeshTest {

    private static final String MEBIBYTE = "x".repeat(1 << 20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"domain", "language", "drafter", "model"})
    void generate_oneMebibyteNameField_invalidArgumentNamingItWithoutEchoingIt(String field) throws IOException {
        RouterHarness router = harness();
        BiFunction<GenerateRequest.Builder, String, GenerateRequest.Builder> set = switch (field) {
            case "domain" -> GenerateRequest.Builder::setDomain;
            case "language" -> GenerateRequest.Builder::setLanguage;
            case "drafter" -> GenerateRequest.Builder::setDrafter;
            default -> GenerateRequest.Builder::setModel;
        };

        assertThatThrownBy(() -> router.generate(set.apply(request("Hello there"), MEBIBYTE).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo(field + ": 1048576 bytes (expected: at most "
                            + ProtocolLimits.MAX_NAME_BYTES + ")");
                });
        assertThat(verifierA.requests).isEmpty();
    }

    @Test
    void generate_hundredDistinctUnknownDomains_routedGeneralAndLearnedUnderOneKey() throws IOException {
        RouterHarness router = harness();

        for (int i = 0; i < 100; i++) {
            GenerationSummary summary = summary(router.generate(
                    request("The little girl walked through the forest.").setDomain("domain-" + i).build()));
            assertThat(summary.getRoute()).isEqualTo("en/general");
        }

        assertThat(router.router.tracker().size()).isEqualTo(1);
    }

    @Test
    void generate_configuredDomain_keptAsItsRoute() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(
                request("The little girl walked through the forest.").setDomain("code").build()));

        assertThat(summary.getRoute()).isEqualTo("en/code");
    }

    @Test
    void generate_polishPrompt_routedUnknownToTheDefaultDrafter() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(request(
                "Debian to wolny system operacyjny, który możesz zainstalować na swoim komputerze.").build()));

        assertThat(summary.getLanguage()).isEqualTo(LanguageIdentifier.UNKNOWN);
        assertThat(summary.getRoute()).isEqualTo("unknown/general");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-en"); // the default drafter
    }

    @Test
    void generate_unservedLanguageGiven_routedUnknownToTheDefaultDrafter() throws IOException {
        RouterHarness router = harness();

        GenerationSummary summary = summary(router.generate(
                request("Das kleine Mädchen ging durch den Wald.").setLanguage("pl").build()));

        assertThat(summary.getRoute()).isEqualTo("unknown/general");
        assertThat(onlyRequestTo(verifierA).getDrafter().getDrafterId()).isEqualTo("d-en");
    }
}
