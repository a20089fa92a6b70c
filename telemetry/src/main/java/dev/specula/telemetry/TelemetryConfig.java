package dev.specula.telemetry;

import java.net.URI;
import java.util.Objects;

/**
 * The {@code telemetry:} section every service's YAML shares:
 *
 * <pre>{@code
 * telemetry:
 *   prometheusPort: 9464          # optional, default 0 (off): serve /metrics for Prometheus on this port
 *   prometheusHost: 0.0.0.0       # optional, default 0.0.0.0: the address the /metrics endpoint binds
 *   otlpEndpoint: http://otel-collector:4318   # optional, default empty (off): OTLP/HTTP metrics and traces
 *   traceSampleRatio: 0.1         # optional, in [0, 1], default 1: the share of requests traced
 * }</pre>
 *
 * <p>With neither an endpoint nor a port, telemetry is off and the services run on {@code OpenTelemetry.noop()}.
 *
 * @param prometheusPort   the port of the Prometheus scrape endpoint; 0 for none
 * @param prometheusHost   the address the scrape endpoint binds ("127.0.0.1" for loopback only)
 * @param otlpEndpoint     the OTLP/HTTP base URL metrics and traces are pushed to ("http://host:4318"); empty for none
 * @param traceSampleRatio the share of new traces recorded; a request whose caller traced it is always traced
 */
public record TelemetryConfig(int prometheusPort, String prometheusHost, String otlpEndpoint, double traceSampleRatio) {

    /** The address the scrape endpoint binds when the configuration names none: every interface. */
    public static final String DEFAULT_PROMETHEUS_HOST = "0.0.0.0";

    /** Telemetry off: no endpoint, no export. */
    public static final TelemetryConfig OFF = new TelemetryConfig(0, DEFAULT_PROMETHEUS_HOST, "", 1.0);

    public TelemetryConfig {
        if (prometheusPort < 0 || prometheusPort > 65_535) {
            throw new IllegalArgumentException("prometheusPort: " + prometheusPort + " (expected: in [1, 65535], or 0 for none)");
        }
        if (prometheusHost == null || prometheusHost.isBlank()) {
            throw new IllegalArgumentException("prometheusHost: empty (expected: an address such as 0.0.0.0)");
        }
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
        if (!otlpEndpoint.isEmpty()) {
            URI uri;
            try {
                uri = URI.create(otlpEndpoint);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("otlpEndpoint: '" + otlpEndpoint + "' (expected: a URL such as http://host:4318)", e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("otlpEndpoint: '" + otlpEndpoint + "' (expected: a URL such as http://host:4318)");
            }
        }
        if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
            throw new IllegalArgumentException("traceSampleRatio: " + traceSampleRatio + " (expected: in [0, 1])");
        }
    }

    /** Whether anything is exported: a scrape endpoint or an OTLP endpoint. */
    public boolean enabled() {
        return prometheusPort > 0 || !otlpEndpoint.isEmpty();
    }

    /** This configuration with the scrape endpoint on {@code port}. */
    public TelemetryConfig withPrometheusPort(int port) {
        return new TelemetryConfig(port, prometheusHost, otlpEndpoint, traceSampleRatio);
    }

    /**
     * The section as written in a service's YAML, absent keys null; services bind it with their other fields.
     */
    public record Fields(Integer prometheusPort, String prometheusHost, String otlpEndpoint, Double traceSampleRatio) {

        /** The validated section; errors read {@code telemetry.key: problem}. */
        public TelemetryConfig toConfig() {
            try {
                return new TelemetryConfig(prometheusPort == null ? 0 : prometheusPort,
                        prometheusHost == null ? DEFAULT_PROMETHEUS_HOST : prometheusHost,
                        otlpEndpoint == null ? "" : otlpEndpoint.strip(),
                        traceSampleRatio == null ? 1.0 : traceSampleRatio);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("telemetry." + e.getMessage(), e);
            }
        }
    }
}
