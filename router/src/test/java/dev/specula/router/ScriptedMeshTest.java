package dev.specula.router;

import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.OpenSessionRequest;
import dev.specula.router.config.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.router.config.RoutesConfig;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A router in front of two scripted verifier doubles ("a", "b") on the in-process transport: one drafter per
 * language ("d-de"), one for code, "d-en" the default; models "tiny" (a, b) and "solo" (a).
 */
abstract class ScriptedMeshTest {

    static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "ru", "ja", "zh");

    final String a = InProcessServerBuilder.generateName();
    final String b = InProcessServerBuilder.generateName();
    final ScriptedVerifier verifierA = new ScriptedVerifier(ScriptedVerifier.Script.completes(new int[] {1, 2}, new int[] {3}));
    final ScriptedVerifier verifierB = new ScriptedVerifier(ScriptedVerifier.Script.completes(new int[] {1, 2}, new int[] {3}));
    RouterHarness harness;

    /** One drafter per language ("d-de"), one for code, "d-en" the default; models "tiny" (a, b) and "solo" (a). */
    RouterConfig config() {
        RouterConfig.Builder builder = RouterConfig.builder().port(0)
                .model("tiny", a, b).model("solo", a).defaultModel("tiny")
                .domainRule("code", "\\bdef\\s+\\w+\\(|#include\\s*<");
        Map<String, List<String>> byLanguage = new LinkedHashMap<>();
        for (String code : LANGUAGES) {
            builder.drafter(DrafterConfig.of("d-" + code, "drafter-" + code + "-0:50053", "drafter-" + code + "-1:50053"));
            byLanguage.put(code, List.of("d-" + code));
        }
        builder.drafter(DrafterConfig.of("d-code", "drafter-code:50053"));
        return builder.routes(new RoutesConfig(List.of("d-en"), byLanguage, Map.of("code", List.of("d-code"))))
                .build();
    }

    RouterHarness harness() throws IOException {
        Map<String, ScriptedVerifier> verifiers = new LinkedHashMap<>();
        verifiers.put(a, verifierA);
        verifiers.put(b, verifierB);
        harness = new RouterHarness(verifiers, config());
        return harness;
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    static GenerateRequest.Builder request(String prompt) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(16);
    }

    static GenerationSummary summary(List<GenerateResponse> responses) {
        assertThat(responses).isNotEmpty();
        assertThat(responses.getLast().hasSummary()).as("last message is the summary").isTrue();
        return responses.getLast().getSummary();
    }

    static List<Integer> tokens(List<GenerateResponse> responses) {
        List<Integer> tokens = new ArrayList<>();
        responses.stream().filter(GenerateResponse::hasDelta).forEach(r -> tokens.addAll(r.getDelta().getTokenIdsList()));
        return tokens;
    }

    OpenSessionRequest onlyRequestTo(ScriptedVerifier verifier) {
        assertThat(verifier.requests).hasSize(1);
        return verifier.requests.getFirst();
    }
}
