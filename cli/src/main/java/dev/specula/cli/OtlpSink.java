package dev.specula.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where {@code bench load} has the services push their OTLP/HTTP telemetry when no collector is at hand: an HTTP
 * server on loopback that accepts {@code POST /v1/traces} and {@code /v1/metrics}, reads each body to its end,
 * counts it and answers 200 as a collector does. The services' side is then exactly production's (spans batched,
 * serialized to protobuf and sent over HTTP); only the collector's own work is missing. It does not decode the
 * payloads: the bench wants the exporters' cost and proof that they ran, not the spans.
 */
final class OtlpSink implements AutoCloseable {

    /** What arrived on one path. */
    static final class Signal {
        private final AtomicLong exports = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();

        /** Requests received. */
        long exports() {
            return exports.get();
        }

        /** Body bytes received, as sent (protobuf, possibly gzip). */
        long bytes() {
            return bytes.get();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Signal traces = new Signal();
    private final Signal metrics = new Signal();

    private OtlpSink(HttpServer server) {
        this.server = server;
    }

    /** Starts the sink on a free loopback port. */
    static OtlpSink start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpSink sink = new OtlpSink(server);
        server.createContext("/v1/traces", exchange -> sink.receive(exchange, sink.traces));
        server.createContext("/v1/metrics", exchange -> sink.receive(exchange, sink.metrics));
        server.setExecutor(sink.executor);
        server.start();
        return sink;
    }

    private void receive(HttpExchange exchange, Signal signal) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            long read = body.transferTo(java.io.OutputStream.nullOutputStream());
            signal.exports.incrementAndGet();
            signal.bytes.addAndGet(read);
            // An empty ExportTrace/MetricsServiceResponse: full success.
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** The base URL to configure as a service's {@code telemetry.otlpEndpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What arrived on /v1/traces. */
    Signal traces() {
        return traces;
    }

    /** What arrived on /v1/metrics. */
    Signal metrics() {
        return metrics;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
