package dev.specula.e2e.chart;

import dev.specula.drafter.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.rpc.security.TlsConfig;
import dev.specula.verifier.VerifierConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Helm chart, offline: for the default values and every value set in helm/specula/ci, helm lint passes,
 * every rendered object is valid against the Kubernetes JSON schemas, and the rendered service configurations
 * load with the services' own loaders; bad values are refused naming the field.
 */
class HelmChartTest {

    private static final String DEFAULT = ChartTools.DEFAULT_VALUES;

    private static ChartTools tools;

    @TempDir
    Path work;

    @BeforeAll
    static void prepareTools() throws Exception {
        try {
            tools = ChartTools.prepare();
        } catch (ChartTools.Unavailable e) {
            assumeTrue(false, e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {DEFAULT, "cpu-only.yaml", "gpu-node-pools.yaml", "several-languages.yaml", "metrics.yaml",
            "auth-limits.yaml"})
    void lint_valueSet_passes(String valueSet) throws Exception {
        ChartTools.Result lint = tools.helm(ChartTools.withValues(List.of("lint", ChartTools.CHART.toString()), valueSet));
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output()).contains("0 chart(s) failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {DEFAULT, "cpu-only.yaml", "gpu-node-pools.yaml", "several-languages.yaml", "metrics.yaml",
            "auth-limits.yaml"})
    void template_valueSet_everyObjectValidAgainstKubernetesSchemas(String valueSet) throws Exception {
        Path manifests = render(valueSet);
        int objects = objects(manifests).size();

        ChartTools.Result validation = tools.validate(manifests);

        assertThat(validation.exitCode()).as(validation.output()).isZero();
        assertThat(validation.output()).contains(objects + " valid, 0 with problems");
    }

    @ParameterizedTest
    @ValueSource(strings = {DEFAULT, "cpu-only.yaml", "gpu-node-pools.yaml", "several-languages.yaml", "metrics.yaml",
            "auth-limits.yaml"})
    void template_valueSet_configsLoadWithTheServicesLoaders(String valueSet) throws Exception {
        // The loaders check that TLS files can be read: the secret's files, as the pod would mount them.
        Path tlsMount = Files.createDirectories(work.resolve("tls"));
        for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.writeString(tlsMount.resolve(file), "");
        }
        List<JsonNode> objects = objects(render(valueSet, "--set", "tls.mountPath=" + tlsMount));
        boolean tls = valueSet.equals("gpu-node-pools.yaml");
        List<String> headless = new ArrayList<>();
        RouterConfig router = null;
        int verifiers = 0;
        int drafters = 0;
        for (JsonNode object : objects) {
            String kind = object.path("kind").asString();
            String name = object.path("metadata").path("name").asString();
            if (kind.equals("Service") && object.path("spec").path("clusterIP").asString().equals("None")) {
                headless.add(name);
            }
            if (!kind.equals("ConfigMap")) {
                continue;
            }
            JsonNode data = object.path("data");
            if (data.has("router.yaml")) {
                router = RouterConfig.load(write(name, data.path("router.yaml").asString()));
                assertThat(router.tls() == null).as("router TLS").isEqualTo(!tls);
            } else if (data.has("verifier.yaml")) {
                VerifierConfig verifier = VerifierConfig.load(write(name, data.path("verifier.yaml").asString()));
                assertThat(verifier.model()).isAbsolute();
                if (tls) {
                    assertThat(verifier.tls().clientAuth()).as("verifier: mutual TLS")
                            .isEqualTo(TlsConfig.ClientAuth.REQUIRE);
                    assertThat(verifier.tls().caFile()).isEqualTo(tlsMount.resolve("ca.crt"));
                } else {
                    assertThat(verifier.tls()).isNull();
                }
                verifiers++;
            } else {
                DrafterConfig drafter = DrafterConfig.load(write(name, data.path("drafter.yaml").asString()));
                assertThat(drafter.models()).isNotEmpty();
                assertThat(drafter.tls() == null ? null : drafter.tls().clientAuth()).as("drafter: mutual TLS")
                        .isEqualTo(tls ? TlsConfig.ClientAuth.REQUIRE : null);
                drafters++;
            }
        }
        assertThat(router).as("the router's ConfigMap").isNotNull();
        assertThat(verifiers).isEqualTo(1);
        assertThat(drafters).as("one ConfigMap per drafter pool").isPositive();
        // The router reaches every verifier and drafter pod through a headless Service's DNS name.
        List<String> targets = new ArrayList<>();
        router.models().values().forEach(targets::addAll);
        router.drafters().forEach(d -> targets.addAll(d.targets()));
        for (String target : targets) {
            assertThat(target).startsWith("dns:///");
            String host = target.substring("dns:///".length(), target.indexOf('.'));
            assertThat(headless).as(target).contains(host);
        }
    }

    @Test
    void template_defaultValues_gpusRequestedByVerifierAndDrafterNotRouter() throws Exception {
        for (JsonNode object : objects(render(DEFAULT))) {
            if (!object.path("kind").asString().equals("Deployment")) {
                continue;
            }
            String component = object.path("metadata").path("labels").path("app.kubernetes.io/component").asString();
            JsonNode container = object.path("spec").path("template").path("spec").path("containers").get(0);
            JsonNode gpus = container.path("resources").path("limits").path("nvidia.com/gpu");
            assertThat(gpus.isMissingNode()).as(component).isEqualTo(component.equals("router"));
            assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(container.path("readinessProbe").path("grpc").path("port").asInt()).isPositive();
        }
    }

    @Test
    void template_negativeReplicas_refusedNamingTheField() throws Exception {
        assertRefused("/verifier/replicas", "--set", "verifier.replicas=-1");
    }

    @Test
    void template_unknownLanguageInRoutingTable_refusedNamingTheField() throws Exception {
        assertRefused("/routing/languages", "--set", "routing.languages.xx={specula-drafter-general-kl}");
    }

    @Test
    void template_cudaPoolWithoutGpu_refusedNamingTheField() throws Exception {
        assertRefused("/verifier/gpu/count", "--set", "verifier.backend=cuda", "--set", "verifier.gpu.count=0");
    }

    @Test
    void template_misspelledTopLevelKey_refusedNamingIt() throws Exception {
        // A typo ("verifiers" for "verifier") would otherwise be ignored silently and deploy the defaults.
        assertRefused("verifiers", "--set", "verifiers.replicas=3");
    }

    @Test
    void template_unknownTlsClientAuth_refusedNamingTheField() throws Exception {
        assertRefused("/tls/routerClientAuth", "--set", "tls.routerClientAuth=always");
    }

    @Test
    void template_routeToADrafterNoPoolServes_refusedNamingTheField() throws Exception {
        assertRefused("routing.languages.de: drafter 'specula-drafter-xx' is not a model of any drafter pool",
                "--set", "routing.languages.de={specula-drafter-xx}");
    }

    @Test
    void validate_objectAgainstItsSchema_problemNamedWithField() throws Exception {
        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: broken}
                spec:
                  replicas: "two"
                  selector: {matchLabels: {a: b}}
                  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}
                """);

        ChartTools.Result validation = tools.validate(bad);

        assertThat(validation.exitCode()).isEqualTo(1);
        assertThat(validation.output()).contains("apps/v1/Deployment broken", "spec/replicas must be integer");
    }

    private void assertRefused(String expectedInMessage, String... setArgs) throws Exception {
        ChartTools.Result result = tools.templateWith(setArgs);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(expectedInMessage);
    }

    private Path render(String valueSet, String... moreArgs) throws Exception {
        return tools.render(work, valueSet, moreArgs);
    }

    private static List<JsonNode> objects(Path manifests) throws Exception {
        return ChartTools.objects(manifests);
    }

    private Path write(String name, String text) throws Exception {
        Path file = work.resolve(name + ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
