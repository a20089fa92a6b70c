package dev.specula.telemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTest {

    @Test
    void start_otlpEndpoint_newRequestsRecordedAndExported() throws IOException {
        // A collector stand-in that accepts every export, so the flush at close succeeds without retries.
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger traceExports = new AtomicInteger();
        collector.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
                    traceExports.incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        try {
            Telemetry telemetry = Telemetry.start("router", "test", new TelemetryConfig(0,
                    TelemetryConfig.DEFAULT_PROMETHEUS_HOST, "http://127.0.0.1:" + collector.getAddress().getPort(), 1.0));
            Span span = telemetry.tracer().spanBuilder("router.generate").startSpan();
            assertThat(span.isRecording()).isTrue();
            span.end();
            telemetry.close();
            assertThat(traceExports).hasValue(1);
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void start_prometheusOnly_noSpansRecordedForNobody() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Telemetry telemetry = Telemetry.start("router", "test", TelemetryConfig.OFF.withPrometheusPort(port));
        try {
            Span span = telemetry.tracer().spanBuilder("router.generate").startSpan();
            assertThat(span.isRecording()).isFalse();
            span.end();
        } finally {
            telemetry.close();
        }
    }

    @Test
    void start_off_noop() {
        Telemetry telemetry = Telemetry.start("router", "test", TelemetryConfig.OFF);
        assertThat(telemetry.tracer().spanBuilder("router.generate").startSpan().isRecording()).isFalse();
        telemetry.close();
    }
}
