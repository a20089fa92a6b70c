package dev.specula.cli;

import dev.specula.telemetry.Telemetry;
import dev.specula.telemetry.TelemetryConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code bench load} does with telemetry on, against a real service SDK ({@link Telemetry#start}). */
class LoadTelemetryTest {

    @Test
    void otlpSink_serviceExportingToIt_receivesTracesAndMetrics() throws Exception {
        try (OtlpSink sink = OtlpSink.start()) {
            Telemetry telemetry = Telemetry.start("router", "test",
                    new TelemetryConfig(0, TelemetryConfig.DEFAULT_PROMETHEUS_HOST, sink.endpoint(), 1.0));
            telemetry.tracer().spanBuilder("router.generate").startSpan().end();
            telemetry.meter().counterBuilder("specula_requests").build().add(1);
            telemetry.close(); // flushes the batch span processor and the metric reader

            assertThat(sink.traces().exports()).isEqualTo(1);
            assertThat(sink.traces().bytes()).isGreaterThan(0);
            assertThat(sink.metrics().exports()).isGreaterThanOrEqualTo(1);
            assertThat(sink.metrics().bytes()).isGreaterThan(0);
        }
    }

    @Test
    void otlpSink_get_refusedWith405() throws Exception {
        try (OtlpSink sink = OtlpSink.start(); HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(sink.endpoint() + "/v1/traces"))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).isEqualTo(405);
            assertThat(sink.traces().exports()).isZero();
        }
    }

    @Test
    void prometheusScrape_serviceEndpoint_returnsItsExposition() throws Exception {
        int port = freePort();
        Telemetry telemetry = Telemetry.start("verifier", "test", TelemetryConfig.OFF.withPrometheusPort(port));
        try {
            telemetry.meter().counterBuilder("specula_requests").build().add(3);
            assertThat(PrometheusScrape.scrape(port)).isGreaterThan("specula_requests_total 3".length());
        } finally {
            telemetry.close();
        }
    }

    @Test
    void prometheusScrape_nothingListening_failsNamingTheUrl() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> PrometheusScrape.scrape(port)).isInstanceOf(IOException.class);
    }

    @Test
    void prometheusScrape_noSpeculaMetric_failsSayingSo() throws Exception {
        int port = freePort();
        Telemetry telemetry = Telemetry.start("drafter", "test", TelemetryConfig.OFF.withPrometheusPort(port));
        try {
            assertThatThrownBy(() -> PrometheusScrape.scrape(port)).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + port + "/metrics: no specula_ metric");
        } finally {
            telemetry.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
