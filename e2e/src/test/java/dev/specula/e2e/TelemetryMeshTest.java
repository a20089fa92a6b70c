package dev.specula.e2e;

import dev.specula.cli.DefaultModels;
import dev.specula.cli.MeshConfigs;
import dev.specula.drafter.DrafterConfig;
import dev.specula.drafter.DrafterServer;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.GenerateResponse;
import dev.specula.proto.v1.GenerationServiceGrpc;
import dev.specula.proto.v1.GenerationSummary;
import dev.specula.proto.v1.Sampling;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import dev.specula.router.RouterServer;
import dev.specula.router.config.RouterConfig;
import dev.specula.telemetry.Telemetry;
import dev.specula.verifier.VerifierConfig;
import dev.specula.verifier.VerifierServer;
import dev.specula.verifier.drafter.DrafterPool;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request through an in-process mesh (router, verifier and drafter with the default models, configured as
 * {@code serve all} configures them) recording into one OpenTelemetry SDK with in-memory exporters: the metrics
 * carry the values the request's summary reports, and its spans across the three services form one trace.
 */
class TelemetryMeshTest {

    private static final String LANGUAGE = "de";

    @TempDir
    static Path work;

    private static InMemoryMetricReader metrics;
    private static InMemorySpanExporter spans;
    private static OpenTelemetrySdk sdk;
    private static DrafterServer drafter;
    private static VerifierServer verifier;
    private static RouterServer router;
    private static ManagedChannel client;
    private static String drafterId;
    private static GenerationSummary summary;

    @BeforeAll
    static void requestThroughMesh() throws Exception {
        metrics = InMemoryMetricReader.create();
        spans = InMemorySpanExporter.create();
        sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        DefaultModels models = TestMeshes.defaultModels();
        drafterId = MeshConfigs.modelId(models.languageDrafters().get(LANGUAGE));
        new MeshConfigs(1, 2, 3).write(work, models);
        // Servers on their own executors, as over TCP: each hop handles its call on its own thread, with the
        // caller's trace context arriving only through the call's headers.
        String prefix = InProcessServerBuilder.generateName();
        drafter = new DrafterServer(DrafterConfig.load(MeshConfigs.drafterFile(work)),
                InProcessServerBuilder.forName(prefix + "drafter"), Telemetry.using("drafter", sdk));
        drafter.start();
        verifier = new VerifierServer(VerifierConfig.load(MeshConfigs.verifierFile(work)),
                InProcessServerBuilder.forName(prefix + "verifier"),
                target -> InProcessChannelBuilder.forName(prefix + "drafter").build(),
                DrafterPool.DEFAULT_BREAKER, Telemetry.using("verifier", sdk));
        verifier.start();
        router = new RouterServer(RouterConfig.load(MeshConfigs.routerFile(work)),
                InProcessServerBuilder.forName(prefix + "router"),
                target -> InProcessChannelBuilder.forName(prefix + "verifier").build(),
                Telemetry.using("router", sdk));
        router.start();
        client = InProcessChannelBuilder.forName(prefix + "router").build();
        Iterator<GenerateResponse> responses = GenerationServiceGrpc.newBlockingStub(client).generate(
                GenerateRequest.newBuilder().setPrompt("Debian ist ein freies Betriebssystem, das")
                        .setLanguage(LANGUAGE).setMaxTokens(24)
                        .setSampling(Sampling.newBuilder().setTemperature(0))
                        .setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                                .setDraftLength(3).setDraftAhead(true))
                        .build());
        while (responses.hasNext()) {
            GenerateResponse response = responses.next();
            if (response.hasSummary()) {
                summary = response.getSummary();
            }
        }
        // The verifier's and the drafter's session spans end just after the router relayed the summary.
        long deadline = System.currentTimeMillis() + 10_000;
        while (named("drafter.session").isEmpty() || named("verifier.session").isEmpty()) {
            assertThat(System.currentTimeMillis()).as("session spans ended").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.shutdownNow();
        }
        for (AutoCloseable server : new AutoCloseable[] {router, verifier, drafter}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
        if (sdk != null) {
            sdk.close();
        }
    }

    @Test
    void request_speculative_acceptanceMetricsEqualSummary() {
        assertThat(summary.getDrafterId()).isEqualTo(drafterId);
        assertThat(summary.getDraftedTokens()).as("the drafter drafted").isPositive();
        Map<String, MetricData> all = collect();
        Attributes routeAndDrafter = Attributes.of(AttributeKey.stringKey("route"), LANGUAGE + "/general",
                AttributeKey.stringKey("drafter"), drafterId);
        assertThat(sum(all, "specula_spec_decode_num_draft_tokens", routeAndDrafter))
                .isEqualTo(summary.getDraftedTokens());
        assertThat(sum(all, "specula_spec_decode_num_accepted_tokens", routeAndDrafter))
                .isEqualTo(summary.getAcceptedTokens());
        assertThat(sum(all, "specula_verification_steps", routeAndDrafter)).isEqualTo(summary.getVerificationSteps());
        assertThat(sumAll(all, "specula_spec_decode_draft_tokens_per_pos")).isEqualTo(summary.getDraftedTokens());
        assertThat(sumAll(all, "specula_spec_decode_accepted_tokens_per_pos")).isEqualTo(summary.getAcceptedTokens());
        // Position 1 is drafted on every speculative step; later positions never more often than earlier ones.
        long first = sum(all, "specula_spec_decode_draft_tokens_per_pos",
                routeAndDrafter.toBuilder().put("position", "1").build());
        long third = sum(all, "specula_spec_decode_draft_tokens_per_pos",
                routeAndDrafter.toBuilder().put("position", "3").build());
        assertThat(first).isEqualTo(sum(all, "specula_spec_decode_num_drafts", routeAndDrafter)).isGreaterThanOrEqualTo(third);
        HistogramPointData lengths = histogram(all, "specula_spec_decode_draft_length");
        assertThat(lengths.getCount()).isEqualTo(summary.getVerificationSteps());
        assertThat((long) lengths.getSum()).isEqualTo(summary.getDraftLengthsList().stream().mapToLong(i -> i).sum());
    }

    @Test
    void request_tokensLatencyAndStatus_recorded() {
        Map<String, MetricData> all = collect();
        Attributes route = Attributes.of(AttributeKey.stringKey("route"), LANGUAGE + "/general");
        assertThat(sum(all, "specula_prompt_tokens", route)).isEqualTo(summary.getPromptTokens());
        assertThat(sum(all, "specula_generation_tokens", route)).isEqualTo(summary.getCompletionTokens());
        assertThat(sum(all, "specula_requests", Attributes.of(AttributeKey.stringKey("status"), "OK"))).isEqualTo(1);
        HistogramPointData ttft = histogram(all, "specula_time_to_first_token");
        assertThat(ttft.getCount()).isEqualTo(1);
        assertThat(ttft.getSum()).isCloseTo(summary.getTimeToFirstTokenMs() / 1000, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(histogram(all, "specula_inter_token_latency").getCount()).isPositive();
        assertThat(histogram(all, "specula_verifier_batch_size").getCount()).isPositive();
        assertThat(sumAll(all, "specula_drafter_draft_tokens")).isGreaterThanOrEqualTo(summary.getDraftedTokens());
        assertThat(all).containsKeys("specula_verifier_sessions_open", "specula_verifier_kv_cache_tokens",
                "specula_verifier_queue_depth", "specula_verifier_drafter_breaker_state", "specula_drafter_sessions_open");
        assertThat(all).doesNotContainKey("specula_verifier_fallbacks");
    }

    @Test
    void request_spansOfThreeServices_oneTraceWithParentLinks() {
        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData generate = only("router.generate");
        SpanData session = only("verifier.session");
        SpanData drafting = only("drafter.session");
        assertThat(finished).extracting(SpanData::getTraceId).containsOnly(generate.getTraceId());
        Map<String, SpanData> byId = finished.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s));
        assertThat(ancestors(session, byId)).contains(generate);
        assertThat(ancestors(drafting, byId)).contains(session, generate);
        // Between the hops: the gRPC instrumentation's client and server spans of OpenSession and Propose.
        assertThat(ancestors(session, byId)).extracting(SpanData::getName)
                .contains("specula.v1.VerifierService/OpenSession");
        assertThat(ancestors(drafting, byId)).extracting(SpanData::getName)
                .contains("specula.v1.DrafterService/Propose");
        List<SpanData> groups = named("verifier.steps");
        assertThat(groups).isNotEmpty().allSatisfy(g -> assertThat(g.getParentSpanId()).isEqualTo(session.getSpanId()));
        assertThat(groups.stream().mapToLong(g -> g.getAttributes().get(AttributeKey.longKey("specula.steps"))).sum())
                .isEqualTo(summary.getVerificationSteps());
    }

    private static List<SpanData> ancestors(SpanData span, Map<String, SpanData> byId) {
        List<SpanData> chain = new ArrayList<>();
        for (SpanData s = byId.get(span.getParentSpanId()); s != null; s = byId.get(s.getParentSpanId())) {
            chain.add(s);
        }
        return chain;
    }

    private static List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData only(String name) {
        List<SpanData> found = named(name);
        assertThat(found).as(name).hasSize(1);
        return found.getFirst();
    }

    private static Map<String, MetricData> collect() {
        return metrics.collectAllMetrics().stream()
                .collect(Collectors.toMap(MetricData::getName, Function.identity(), (a, b) -> a));
    }

    private static long sum(Map<String, MetricData> all, String name, Attributes attributes) {
        return points(all, name).stream().filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue).sum();
    }

    private static long sumAll(Map<String, MetricData> all, String name) {
        return points(all, name).stream().mapToLong(LongPointData::getValue).sum();
    }

    private static Collection<LongPointData> points(Map<String, MetricData> all, String name) {
        assertThat(all).as("metrics").containsKey(name);
        return all.get(name).getLongSumData().getPoints();
    }

    private static HistogramPointData histogram(Map<String, MetricData> all, String name) {
        assertThat(all).as("metrics").containsKey(name);
        MetricData data = all.get(name);
        Collection<HistogramPointData> points = data.getHistogramData().getPoints();
        assertThat(points).as(name).hasSize(1);
        return points.iterator().next();
    }
}
