package dev.specula.router.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterConfigTest {

    @TempDir
    Path dir;

    private static final String FULL = """
            port: 6000
            defaultModel: stories
            models:
              stories: [verifier-0:50052, verifier-1:50052]
              other: ["dns:///verifier-other:50052"]
            drafters:
              - id: stories-de
                targets: [drafter-de:50053]
                languages: [DE]
              - id: stories-code
                targets: [drafter-code:50053]
                domains: [code]
              - id: stories-small
                targets: [drafter-small:50053]
            routes:
              defaultDrafters: [stories-small]
              languages:
                de: [stories-de, stories-small]
              domains:
                code: [stories-code]
            domainRules:
              - domain: code
                pattern: "```|\\\\bdef\\\\s"
            initialDraftLength: 3
            maxDraftLength: 12
            explorationRate: 0.2
            explorationSeed: 99
            """;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("router.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void load_fullFile_everyField() throws IOException {
        RouterConfig config = RouterConfig.load(write(FULL));

        assertThat(config.port()).isEqualTo(6000);
        assertThat(config.defaultModel()).isEqualTo("stories");
        assertThat(config.models().get("stories")).containsExactly("verifier-0:50052", "verifier-1:50052");
        assertThat(config.drafters()).extracting(DrafterConfig::id).containsExactly("stories-de", "stories-code", "stories-small");
        assertThat(config.drafter("stories-de").languages()).containsExactly("de");
        assertThat(config.routes().languages().get("de")).containsExactly("stories-de", "stories-small");
        assertThat(config.routes().domains().get("code")).containsExactly("stories-code");
        assertThat(config.routes().defaultDrafters()).containsExactly("stories-small");
        assertThat(config.domainRules().getFirst().compiled().matcher("x = 1\ndef f():").find()).isTrue();
        assertThat(config.detectLanguages()).as("route and drafter languages, then en").containsExactly("de", "en");
        assertThat(config.fallbackLanguage()).isEqualTo("en");
        assertThat(config.initialDraftLength()).isEqualTo(3);
        assertThat(config.maxDraftLength()).isEqualTo(12);
        assertThat(config.explorationRate()).isEqualTo(0.2);
        assertThat(config.explorationSeed()).isEqualTo(99);
    }

    @Test
    void load_exampleFile_valid() throws IOException {
        // The example users copy, in the project's config/ folder (tests run in router/).
        RouterConfig config = RouterConfig.load(Path.of("../config/router.yaml"));

        assertThat(config.models().get("specula-target")).containsExactly("localhost:50052");
        assertThat(config.routes().defaultDrafters()).containsExactly("specula-drafter-general-kl");
        for (String language : List.of("en", "de", "fr", "es", "ru", "ja", "zh")) {
            assertThat(config.routes().languages().get(language)).as(language)
                    .containsExactly("specula-drafter-" + language + "-kl", "specula-drafter-general-kl");
        }
        assertThat(config.domainRules().getFirst().compiled().matcher("please def fib(n):").find()).isTrue();
        assertThat(config.detectLanguages()).contains("en", "de", "fr", "es", "it", "pt", "nl", "ru", "ja", "zh", "ko");
    }

    @Test
    void load_minimalFile_defaults() throws IOException {
        RouterConfig config = RouterConfig.load(write("models: {stories: [localhost:50052]}\n"));

        assertThat(config.port()).isEqualTo(50051);
        assertThat(config.defaultModel()).as("the only model").isEqualTo("stories");
        assertThat(config.drafters()).isEmpty();
        assertThat(config.detectLanguages()).containsExactly("en");
        assertThat(config.initialDraftLength()).isEqualTo(4);
        assertThat(config.maxDraftLength()).isEqualTo(8);
        assertThat(config.explorationRate()).isEqualTo(0.1);
        assertThat(config.lowAccuracyDetection()).isFalse();
    }

    @Test
    void load_smallMaxDraftLength_initialFollows() throws IOException {
        RouterConfig config = RouterConfig.load(write("models: {m: [h:1]}\nmaxDraftLength: 2\n"));
        assertThat(config.initialDraftLength()).isEqualTo(2);
    }

    @Test
    void load_explicitDetectLanguages_usedAsGiven() throws IOException {
        RouterConfig config = RouterConfig.load(write("models: {m: [h:1]}\ndetectLanguages: [FR, ja]\nfallbackLanguage: ja\n"));
        assertThat(config.detectLanguages()).containsExactly("fr", "ja");
        assertThat(config.knownLanguages()).containsExactly("fr", "ja");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            "models: {m: [h:1]}\\nport: 70000\\n"                                       | port: 70000 (expected: 0..65535)
            "port: 1\\n"                                                               | models: empty
            "models: {a: [h:1], b: [h:2]}\\n"                                           | defaultModel: absent
            "models: {a: [h:1]}\\ndefaultModel: z\\n"                                   | defaultModel: 'z' (expected: one of [a])
            "models: {a: []}\\n"                                                        | models.a: empty
            "models: {a: [h:1]}\\ndrafters: [{id: d, targets: [x:1]}, {id: d, targets: [y:1]}]\\n" | drafters: id 'd' appears twice
            "models: {a: [h:1]}\\ndrafters: [{id: d}]\\n"                               | drafter 'd' targets: empty
            "models: {a: [h:1]}\\ndrafters: [{id: d, targets: [x:1], languages: [xx]}]\\n" | drafters[0]: drafter 'd' languages[0]: 'xx'
            "models: {a: [h:1]}\\nroutes: {defaultDrafters: [ghost]}\\n"                | routes.defaultDrafters: drafter 'ghost' is not configured
            "models: {a: [h:1]}\\ndrafters: [{id: d, targets: [x:1]}]\\nroutes: {languages: {de: [ghost]}}\\n" | routes.languages.de: drafter 'ghost' is not configured (expected: one of [d])
            "models: {a: [h:1]}\\ndrafters: [{id: d, targets: [x:1]}]\\nroutes: {languages: {klingon: [d]}}\\n" | routes.languages: 'klingon'
            "models: {a: [h:1]}\\ndrafters: [{id: d, targets: [x:1]}]\\nroutes: {domains: {code: []}}\\n" | routes.domains.code: empty
            "models: {a: [h:1]}\\ndomainRules: [{domain: code, pattern: '(unclosed'}]\\n" | domainRules[0]: pattern: '(unclosed' is not a Java regular expression
            "models: {a: [h:1]}\\ndetectLanguages: [en, zz]\\n"                          | detectLanguages[1]: 'zz'
            "models: {a: [h:1]}\\nfallbackLanguage: qq\\n"                               | fallbackLanguage: 'qq'
            "models: {a: [h:1]}\\nmaxDraftLength: 17\\n"                                 | maxDraftLength: 17 (expected: 1..16)
            "models: {a: [h:1]}\\ninitialDraftLength: 9\\n"                              | initialDraftLength: 9 (expected: 1..maxDraftLength = 8)
            "models: {a: [h:1]}\\nexplorationRate: 2\\n"                                 | explorationRate: 2.0 (expected: 0..1)
            "models: {a: [h:1]}\\nmaxDraftLenght: 4\\n"                                  | maxDraftLenght
            "models: {a: [h:1]}\\nport: many\\n"                                         | port
            "models: [a\\n"                                                             | router.yaml
            """)
    void load_badValue_errorNamesFileAndField(String yaml, String expected) throws IOException {
        Path file = write(yaml.replace("\\n", "\n"));

        assertThatThrownBy(() -> RouterConfig.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void load_emptyFile_errorNamesFile() throws IOException {
        Path file = write("");
        assertThatThrownBy(() -> RouterConfig.load(file)).hasMessageContaining(file.toString());
    }

    @Test
    void load_missingFile_namesTheFile() {
        Path absent = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> RouterConfig.load(absent)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(absent + ": cannot be read (java.nio.file.NoSuchFileException");
    }

    @Test
    void builder_sameAsFile() throws IOException {
        RouterConfig built = RouterConfig.builder().port(6000).model("stories", "verifier-0:50052").build();
        RouterConfig loaded = RouterConfig.load(write("port: 6000\nmodels: {stories: [verifier-0:50052]}\n"));
        assertThat(built).isEqualTo(loaded);
    }

    @Test
    void knownLanguages_detectedRoutedAndFallback() {
        RouterConfig config = RouterConfig.builder().model("m", "h:1")
                .drafter(new DrafterConfig("d", List.of("x:1"), List.of("ko"), List.of()))
                .detectLanguages(List.of("de", "en"))
                .routes(new RoutesConfig(null, java.util.Map.of("fr", List.of("d")), null))
                .build();
        assertThat(config.knownLanguages()).containsExactly("de", "en", "fr", "ko");
    }
}
