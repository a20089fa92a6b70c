package dev.specula.telemetry;

import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The OpenTelemetry of one service: where its meters and tracers come from, and the gRPC interceptors that
 * carry trace context across router → verifier → drafter (OpenTelemetry's own gRPC instrumentation, W3C
 * trace context). Off, it is {@link OpenTelemetry#noop()} and adds no interceptors. Closing it flushes and
 * stops the exporters and the scrape endpoint.
 */
public final class Telemetry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Telemetry.class.getName());
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final AttributeKey<String> SERVICE_NAMESPACE = AttributeKey.stringKey("service.namespace");
    private static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
    /** How often metrics are pushed over OTLP (Prometheus pulls on its own schedule). */
    private static final Duration OTLP_METRIC_INTERVAL = Duration.ofSeconds(10);

    private final String role;
    private final OpenTelemetry openTelemetry;
    private final AutoCloseable sdk; // null for noop and for SDKs owned by the caller
    private final ServerInterceptor serverInterceptor; // null when off
    private final ClientInterceptor clientInterceptor; // null when off

    private Telemetry(String role, OpenTelemetry openTelemetry, AutoCloseable sdk, boolean instrumentGrpc) {
        this.role = Objects.requireNonNull(role, "role");
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        if (instrumentGrpc) {
            // No span event per streamed message: a generation streams one per token on every hop (about 8 KB of
            // trace per request), which the spans' own attributes and the token metrics already count.
            GrpcTelemetry grpc = GrpcTelemetry.builder(openTelemetry).setEmitMessageEvents(false).build();
            this.serverInterceptor = grpc.createServerInterceptor();
            this.clientInterceptor = grpc.createClientInterceptor();
        } else {
            this.serverInterceptor = null;
            this.clientInterceptor = null;
        }
    }

    /** Telemetry off: no-op meters and tracers, no interceptors. */
    public static Telemetry noop(String role) {
        return new Telemetry(role, OpenTelemetry.noop(), null, false);
    }

    /**
     * Telemetry on an OpenTelemetry the caller built and closes (tests pass an SDK with in-memory exporters).
     */
    public static Telemetry using(String role, OpenTelemetry openTelemetry) {
        return new Telemetry(role, openTelemetry, null, true);
    }

    /**
     * Builds the SDK for one service from its configuration: a Prometheus scrape endpoint when a port is set,
     * OTLP/HTTP export of metrics and traces when an endpoint is set, {@code service.name} "role-id"; noop when
     * neither is set.
     *
     * @param role   "router", "verifier" or "drafter"
     * @param id     this replica's name (the verifier's id, else the host name)
     * @param config the service's {@code telemetry:} section
     * @throws IllegalStateException when the scrape endpoint's port cannot be bound (the message names it)
     */
    public static Telemetry start(String role, String id, TelemetryConfig config) {
        if (!config.enabled()) {
            return noop(role);
        }
        Resource resource = Resource.getDefault().merge(Resource.builder()
                .put(SERVICE_NAME, role + "-" + id)
                .put(SERVICE_NAMESPACE, "specula")
                .put(SERVICE_INSTANCE_ID, id)
                .build());
        // No exemplars: with traces sampled, every per-token recording would also fill an exemplar reservoir (a
        // few percent of the mesh's CPU at 64 streams); a slow request is found by its trace instead.
        SdkMeterProviderBuilder meters = SdkMeterProvider.builder().setResource(resource)
                .setExemplarFilter(ExemplarFilter.alwaysOff());
        // Without an exporter nothing would ever read a span: record none of our own (a caller's sampled trace
        // still is), rather than pay for spans that are dropped at their end.
        boolean exportsTraces = !config.otlpEndpoint().isEmpty();
        SdkTracerProviderBuilder traces = SdkTracerProvider.builder().setResource(resource)
                .setSampler(Sampler.parentBased(exportsTraces ? Sampler.traceIdRatioBased(config.traceSampleRatio())
                        : Sampler.alwaysOff()));
        if (config.prometheusPort() > 0) {
            try {
                meters.registerMetricReader(PrometheusHttpServer.builder()
                        .setHost(config.prometheusHost()).setPort(config.prometheusPort()).build());
            } catch (RuntimeException e) {
                throw new IllegalStateException("telemetry.prometheusPort: " + config.prometheusPort()
                        + " cannot be served on " + config.prometheusHost() + " (" + e.getMessage() + ")", e);
            }
        }
        if (exportsTraces) {
            String base = config.otlpEndpoint().replaceAll("/+$", "");
            meters.registerMetricReader(PeriodicMetricReader.builder(
                            OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics").build())
                    .setInterval(OTLP_METRIC_INTERVAL).build());
            traces.addSpanProcessor(BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces").build()).build());
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(meters.build())
                .setTracerProvider(traces.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        LOG.info(() -> role + " telemetry: " + (config.prometheusPort() > 0 ? "Prometheus on "
                + config.prometheusHost() + ":" + config.prometheusPort() + "/metrics" : "no Prometheus endpoint")
                + (config.otlpEndpoint().isEmpty() ? "" : ", OTLP to " + config.otlpEndpoint())
                + (exportsTraces ? ", trace sample ratio " + config.traceSampleRatio() : ", no traces of its own"));
        return new Telemetry(role, sdk, sdk, true);
    }

    /**
     * This machine's name, the replica id of services that configure none: on Kubernetes the pod's name.
     */
    public static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** The OpenTelemetry the service records into. */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The service's meter, scope "dev.specula.ROLE". */
    public Meter meter() {
        return openTelemetry.getMeter("dev.specula." + role);
    }

    /** The service's tracer, scope "dev.specula.ROLE". */
    public Tracer tracer() {
        return openTelemetry.getTracer("dev.specula." + role);
    }

    /** Adds the tracing interceptor to a server's builder (nothing when off); returns the builder. */
    public <B extends ServerBuilder<B>> ServerBuilder<B> instrument(ServerBuilder<B> builder) {
        return serverInterceptor == null ? builder : builder.intercept(serverInterceptor);
    }

    /** The channel with the tracing interceptor, so calls on it carry the current trace context (as is when off). */
    public Channel instrument(Channel channel) {
        return clientInterceptor == null ? channel : ClientInterceptors.intercept(channel, clientInterceptor);
    }

    /** Flushes and stops what the SDK exports, including the scrape endpoint. */
    @Override
    public void close() {
        if (sdk != null) {
            try {
                sdk.close();
            } catch (Exception e) {
                LOG.warning(role + " telemetry did not shut down cleanly: " + e);
            }
        }
    }
}
