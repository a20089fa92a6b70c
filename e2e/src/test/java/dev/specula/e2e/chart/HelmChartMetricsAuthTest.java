package dev.specula.e2e.chart;

import dev.specula.drafter.DrafterConfig;
import dev.specula.router.config.RouterConfig;
import dev.specula.rpc.security.BearerTokens;
import dev.specula.rpc.security.ClientLimitsConfig;
import dev.specula.telemetry.TelemetryConfig;
import dev.specula.verifier.VerifierConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chart's observability and auth wiring, offline: the telemetry section each service's loader reads names the
 * port its container and Services call {@code metrics}, which the ServiceMonitors scrape; the tokens Secret is
 * mounted where the router's loader looks and read by {@link BearerTokens}; bad values are refused naming the field.
 * Lint and schema validation of the value sets (ci/metrics.yaml, ci/auth-limits.yaml) are in {@link HelmChartTest}.
 */
class HelmChartMetricsAuthTest {

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

    @Test
    void template_metricsValueSet_everyTelemetryPortIsScrapedThroughAServiceMonitor() throws Exception {
        Rendered chart = load(tools.render(work, "metrics.yaml"));

        assertThat(chart.telemetry.keySet()).containsExactlyInAnyOrder("router", "verifier", "drafter-general");
        assertThat(chart.kinds("ServiceMonitor")).hasSize(3);
        for (Map.Entry<String, TelemetryConfig> entry : chart.telemetry.entrySet()) {
            String component = entry.getKey();
            TelemetryConfig telemetry = entry.getValue();
            assertThat(telemetry.prometheusPort()).as(component).isPositive();
            assertThat(telemetry.otlpEndpoint()).isEqualTo("http://otel-collector.monitoring.svc.cluster.local:4318");
            assertThat(telemetry.traceSampleRatio()).isEqualTo(0.25);

            JsonNode pod = chart.one("Deployment", component).path("spec").path("template");
            assertThat(port(pod.path("spec").path("containers").get(0).path("ports"), "metrics", "containerPort"))
                    .as(component + ": the container's metrics port").isEqualTo(telemetry.prometheusPort());
            assertThat(pod.path("metadata").path("annotations").has("prometheus.io/scrape"))
                    .as("podAnnotations: false").isFalse();

            JsonNode monitor = chart.one("ServiceMonitor", component);
            assertThat(monitor.path("metadata").path("labels").path("release").asString()).isEqualTo("kube-prometheus-stack");
            JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
            assertThat(endpoint.path("port").asString()).isEqualTo("metrics");
            assertThat(endpoint.path("interval").asString()).isEqualTo("15s");
            // The ServiceMonitor's selector picks a Service of this component whose metrics port leads to the pod's.
            JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
            List<JsonNode> scraped = chart.kinds("Service").stream()
                    .filter(service -> matches(selector, service.path("metadata").path("labels")))
                    .filter(service -> port(service.path("spec").path("ports"), "metrics", "port") > 0)
                    .toList();
            assertThat(scraped).as(component + ": Services the ServiceMonitor scrapes").hasSize(1);
            JsonNode servicePorts = scraped.get(0).path("spec").path("ports");
            assertThat(port(servicePorts, "metrics", "port")).isEqualTo(telemetry.prometheusPort());
            assertThat(matches(scraped.get(0).path("spec").path("selector"), pod.path("metadata").path("labels")))
                    .as(component + ": the Service selects the pods").isTrue();
        }
        // The router's LoadBalancer stays without the metrics port; a headless Service inside the cluster has it.
        JsonNode publicRouter = chart.named("Service", "specula-router");
        assertThat(publicRouter.path("spec").path("type").asString()).isEqualTo("LoadBalancer");
        assertThat(port(publicRouter.path("spec").path("ports"), "metrics", "port")).isZero();
        assertThat(chart.named("Service", "specula-router-metrics").path("spec").path("clusterIP").asString())
                .isEqualTo("None");
    }

    @Test
    void template_metricsEnabledOnly_podsAnnotatedServicesExposeMetricsNoServiceMonitor() throws Exception {
        Rendered chart = load(tools.render(work, ChartTools.DEFAULT_VALUES, "--set", "metrics.enabled=true"));

        assertThat(chart.kinds("ServiceMonitor")).isEmpty();
        assertThat(chart.telemetry.get("router").prometheusPort()).isEqualTo(9464);
        assertThat(chart.telemetry.get("verifier").prometheusPort()).isEqualTo(9465);
        assertThat(chart.telemetry.get("drafter-general").prometheusPort()).isEqualTo(9466);
        for (String component : chart.telemetry.keySet()) {
            TelemetryConfig telemetry = chart.telemetry.get(component);
            assertThat(telemetry.otlpEndpoint()).isEmpty();
            JsonNode annotations = chart.one("Deployment", component)
                    .path("spec").path("template").path("metadata").path("annotations");
            assertThat(annotations.path("prometheus.io/scrape").asString()).isEqualTo("true");
            assertThat(annotations.path("prometheus.io/port").asString()).isEqualTo(String.valueOf(telemetry.prometheusPort()));
            assertThat(port(chart.one("Service", component).path("spec").path("ports"), "metrics", "port"))
                    .as(component + ": its (ClusterIP or headless) Service").isEqualTo(telemetry.prometheusPort());
        }
    }

    @Test
    void template_defaultValues_telemetryOffNoMetricsPorts() throws Exception {
        Rendered chart = load(tools.render(work, ChartTools.DEFAULT_VALUES));

        assertThat(chart.telemetry.values()).containsOnly(TelemetryConfig.OFF).hasSize(3);
        assertThat(chart.kinds("ServiceMonitor")).isEmpty();
        assertThat(chart.rendered).as("no metrics port, no scrape annotation").doesNotContain("name: metrics", "prometheus.io/");
    }

    @Test
    void template_otlpEndpointOnly_tracesPushedWithoutScrapeEndpoint() throws Exception {
        Rendered chart = load(tools.render(work, ChartTools.DEFAULT_VALUES,
                "--set", "metrics.otlpEndpoint=http://collector:4318", "--set-json", "metrics.traceSampleRatio=0.1")); // --set reads 0.1 as a string

        assertThat(chart.telemetry.values()).hasSize(3)
                .allSatisfy(t -> assertThat(t).isEqualTo(new TelemetryConfig(0, "0.0.0.0", "http://collector:4318", 0.1)));
        assertThat(chart.rendered).doesNotContain("name: metrics");
    }

    @Test
    void template_authValueSet_tokensSecretMountedWhereTheRouterReadsIt() throws Exception {
        // The Secret's key `tokens` as the kubelet mounts it: the file the router's auth.tokensFile names.
        Path mount = Files.createDirectories(work.resolve("auth"));
        Files.writeString(mount.resolve("tokens"), "# team tokens\nalice s3cret-alice\nb0b-token-only\n");
        Rendered chart = load(tools.render(work, "auth-limits.yaml", "--set", "auth.mountPath=" + mount));

        RouterConfig router = chart.router;
        assertThat(router.auth().tokensFile()).isEqualTo(mount.resolve("tokens"));
        assertThat(router.http()).as("the HTTP API stays on with auth: it checks the same tokens").isNotNull();
        assertThat(router.limits()).isEqualTo(new ClientLimitsConfig(4, 10, 5000, 300));
        BearerTokens tokens = BearerTokens.load(router.auth().tokensFile());
        assertThat(tokens.clientOf("Bearer s3cret-alice")).isEqualTo(Optional.of("alice"));
        assertThat(tokens.clientOf("Bearer b0b-token-only")).isPresent();
        assertThat(tokens.clientOf("Bearer guess")).isEmpty();

        for (JsonNode deployment : chart.kinds("Deployment")) {
            String component = deployment.path("metadata").path("labels").path("app.kubernetes.io/component").asString();
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode volume = named(pod.path("volumes"), "auth-tokens");
            JsonNode mounted = named(pod.path("containers").get(0).path("volumeMounts"), "auth-tokens");
            if (!component.equals("router")) {
                assertThat(volume).as(component + ": no tokens outside the router").isNull();
                continue;
            }
            assertThat(volume.path("secret").path("secretName").asString()).isEqualTo("specula-tokens");
            assertThat(volume.path("secret").path("items").get(0).path("key").asString()).isEqualTo("tokens");
            assertThat(mounted.path("mountPath").asString()).isEqualTo(mount.toString());
            assertThat(mounted.path("readOnly").asBoolean()).isTrue();
            assertThat(mounted.has("subPath")).as("a subPath mount would never see a rotated Secret").isFalse();
        }
        assertThat(chart.kinds("Pod")).as("no helm test pod without auth.testTokenSecret").isEmpty();
    }

    @Test
    void template_tlsAndAuthWithTestToken_testPodTrustsTheCaAndSendsTheToken() throws Exception {
        // Only the objects: the rendered configs name certificate files that exist in the pods alone.
        List<JsonNode> pods = ChartTools.objects(tools.render(work, "auth-limits.yaml", "--set",
                "auth.testTokenSecret=specula-test-token", "--set", "tls.enabled=true", "--set",
                "tls.secretName=specula-tls", "--set", "tls.routerClientAuth=require")).stream()
                .filter(o -> o.path("kind").asString().equals("Pod")).toList();

        assertThat(pods).hasSize(1);
        JsonNode client = pods.getFirst().path("spec").path("containers").get(0);
        List<String> command = new java.util.ArrayList<>();
        client.path("command").forEach(arg -> command.add(arg.asString()));
        assertThat(String.join(" ", command)).contains("--tls-ca /etc/specula/tls/ca.crt",
                "--tls-cert /etc/specula/tls/tls.crt --tls-key /etc/specula/tls/tls.key");
        assertThat(command).as("the token stays off the command line").noneMatch(arg -> arg.startsWith("--token"));
        JsonNode token = named(client.path("env"), "SPECULA_API_TOKEN");
        assertThat(token.path("valueFrom").path("secretKeyRef").path("name").asString()).isEqualTo("specula-test-token");
        assertThat(token.path("valueFrom").path("secretKeyRef").path("key").asString()).isEqualTo("token");
        assertThat(named(client.path("volumeMounts"), "tls").path("mountPath").asString()).isEqualTo("/etc/specula/tls");
    }

    @Test
    void tokensSecretVolume_kubeletSwapsItsData_routerTokensFollow() throws Exception {
        // A Secret volume as the kubelet writes it: tokens -> ..data/tokens, ..data -> a timestamped folder, and an
        // update is a new folder and an atomic rename of ..data, which the chart's mount (no subPath) lets through.
        Path mount = Files.createDirectories(work.resolve("secret-volume"));
        Files.writeString(Files.createDirectories(mount.resolve("..2026_01")).resolve("tokens"), "alice old-token\n");
        Files.createSymbolicLink(mount.resolve("..data"), Path.of("..2026_01"));
        Files.createSymbolicLink(mount.resolve("tokens"), Path.of("..data/tokens"));
        BearerTokens tokens = BearerTokens.load(mount.resolve("tokens"));
        assertThat(tokens.clientOf("Bearer old-token")).isEqualTo(Optional.of("alice"));

        Files.writeString(Files.createDirectories(mount.resolve("..2026_02")).resolve("tokens"), "alice rotated-token\n");
        Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..2026_02"));
        Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(1_100); // BearerTokens looks at the file at most once a second

        assertThat(tokens.clientOf("Bearer rotated-token")).isEqualTo(Optional.of("alice"));
        assertThat(tokens.clientOf("Bearer old-token")).as("revoked by the update").isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            auth.enabled=true                                    | /auth/tokensSecret
            auth.enabled=true,auth.tokensSecret=Tokens_1,router.httpPort=0 | /auth/tokensSecret
            auth.enabled=true,auth.tokensSecret=t,auth.testTokenSecret=Bad_Name | /auth/testTokenSecret
            router.config.limits.maxStreamsPerClient=-1          | /router/config/limits/maxStreamsPerClient
            router.config.limits.requestsPerSecond=-2            | /router/config/limits/requestsPerSecond
            router.config.limits.maxClients=0                    | /router/config/limits/maxClients
            metrics.serviceMonitor.enabled=true                  | /metrics/enabled
            metrics.enabled=true,metrics.serviceMonitor.interval=thirty | /metrics/serviceMonitor/interval
            metrics.traceSampleRatio=1.5                         | /metrics/traceSampleRatio
            metrics.otlpEndpoint=collector:4318                  | /metrics/otlpEndpoint
            metrics.ports.verifier=70000                         | /metrics/ports/verifier
            """)
    void template_badMetricsOrAuthValue_refusedNamingTheField(String values, String expectedInMessage) throws Exception {
        ChartTools.Result result = tools.templateWith("--set", values);

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains(expectedInMessage);
    }

    @Test
    void validate_serviceMonitorAgainstItsCrdSchema_problemNamedWithField() throws Exception {
        Path bad = work.resolve("bad-monitor.yaml");
        Files.writeString(bad, """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: broken}
                spec:
                  selector: {matchLabels: {a: b}}
                  endpoints: [{port: metrics, interval: thirty}]
                """);

        ChartTools.Result validation = tools.validate(bad);

        assertThat(validation.exitCode()).isEqualTo(1);
        assertThat(validation.output()).contains("monitoring.coreos.com/v1/ServiceMonitor broken",
                "spec/endpoints/0/interval must match pattern");
    }

    /** A rendered chart: its objects, and each component's telemetry as its service's own loader reads it. */
    private record Rendered(String rendered, List<JsonNode> objects, RouterConfig router,
                            Map<String, TelemetryConfig> telemetry) {

        List<JsonNode> kinds(String kind) {
            return objects.stream().filter(o -> o.path("kind").asString().equals(kind)).toList();
        }

        /** The one object of this kind labelled with this component (a Service that carries grpc when several). */
        JsonNode one(String kind, String component) {
            List<JsonNode> found = kinds(kind).stream()
                    .filter(o -> o.path("metadata").path("labels").path("app.kubernetes.io/component").asString().equals(component))
                    .filter(o -> !kind.equals("Service") || port(o.path("spec").path("ports"), "grpc", "port") > 0)
                    .toList();
            assertThat(found).as(kind + " of " + component).hasSize(1);
            return found.get(0);
        }

        JsonNode named(String kind, String name) {
            return kinds(kind).stream().filter(o -> o.path("metadata").path("name").asString().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
        }
    }

    private Rendered load(Path manifests) throws Exception {
        List<JsonNode> objects = ChartTools.objects(manifests);
        Map<String, TelemetryConfig> telemetry = new HashMap<>();
        RouterConfig router = null;
        for (JsonNode object : objects) {
            if (!object.path("kind").asString().equals("ConfigMap")) {
                continue;
            }
            String component = object.path("metadata").path("labels").path("app.kubernetes.io/component").asString();
            JsonNode data = object.path("data");
            Path file = work.resolve(component + ".config.yaml");
            if (data.has("router.yaml")) {
                Files.writeString(file, data.path("router.yaml").asString());
                router = RouterConfig.load(file);
                telemetry.put(component, router.telemetry());
            } else if (data.has("verifier.yaml")) {
                Files.writeString(file, data.path("verifier.yaml").asString());
                telemetry.put(component, VerifierConfig.load(file).telemetry());
            } else {
                Files.writeString(file, data.path("drafter.yaml").asString());
                telemetry.put(component, DrafterConfig.load(file).telemetry());
            }
        }
        return new Rendered(Files.readString(manifests), objects, router, telemetry);
    }

    /** The {@code field} (port, containerPort) of the port called {@code name} in a ports list; 0 when none. */
    private static int port(JsonNode ports, String name, String field) {
        JsonNode port = named(ports, name);
        return port == null ? 0 : port.path(field).asInt();
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (item.path("name").asString().equals(name)) {
                return item;
            }
        }
        return null;
    }

    /** Whether every label of {@code selector} is on {@code labels} with the same value. */
    private static boolean matches(JsonNode selector, JsonNode labels) {
        for (var entry : selector.properties()) {
            if (!labels.path(entry.getKey()).asString().equals(entry.getValue().asString())) {
                return false;
            }
        }
        return !selector.isEmpty();
    }
}
