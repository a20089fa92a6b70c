package dev.specula.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One mesh of {@code bench load} with its client and telemetry setting. With telemetry on, every service serves
 * Prometheus metrics on loopback, scraped once per round while the clients run, and pushes its traces (every
 * request sampled) and metrics over OTLP/HTTP to the bench's {@link OtlpSink}: spans are recorded, batched,
 * serialized and sent as in production, short of a collector.
 */
final class LoadMesh implements AutoCloseable {

    private static final String THIS_JVM = "this JVM (every mesh)";

    private final boolean telemetryOn;
    private final boolean processes;
    private final LocalMesh mesh;
    private final MeshClient client;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong scrapedBytes = new AtomicLong();
    private final AtomicLong scrapeFailures = new AtomicLong();
    private final AtomicReference<String> lastScrapeFailure = new AtomicReference<>();

    private LoadMesh(boolean telemetryOn, boolean processes, LocalMesh mesh) {
        this.telemetryOn = telemetryOn;
        this.processes = processes;
        this.mesh = mesh;
        this.client = new MeshClient(mesh.routerTarget());
    }

    /** Starts a mesh, with telemetry exporting to {@code sink} when {@code telemetryOn}. */
    static LoadMesh start(boolean telemetryOn, boolean processes, OtlpSink sink) throws IOException {
        String name = telemetryOn ? "on" : "off";
        LocalMesh mesh = LocalMesh.startInTempDir(DefaultModels.find(), 0, -1, telemetryOn ? 0 : -1,
                telemetryOn ? sink.endpoint() : "", processes ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM,
                step -> System.err.println("bench load (telemetry " + name + "): " + step));
        return new LoadMesh(telemetryOn, processes, mesh);
    }

    /** "on" or "off". */
    String name() {
        return telemetryOn ? "on" : "off";
    }

    MeshClient client() {
        return client;
    }

    /**
     * One process's memory at one moment, in KiB; -1 where it could not be read.
     *
     * @param residentKib    its resident set size, as the run left it
     * @param heapAfterGcKib the Java heap still used after a full collection made just after reading the former
     */
    record Memory(long residentKib, long heapAfterGcKib) {
    }

    /** Memory by process: each service's, or this JVM's when the services run in it. */
    Map<String, Memory> memory() {
        Map<String, Long> pids = processes ? mesh.processIds() : Map.of(THIS_JVM, ProcessHandle.current().pid());
        Map<String, Memory> memory = new LinkedHashMap<>();
        pids.forEach((process, pid) -> {
            long resident = ResidentMemory.kibibytes(pid).orElse(-1);
            memory.put(process, new Memory(resident, HeapAfterGc.kibibytes(pid).orElse(-1)));
        });
        return memory;
    }

    /**
     * With telemetry on, a thread that scrapes the three Prometheus endpoints halfway through a run of {@code
     * seconds}, as Prometheus would while the mesh is busy; with telemetry off, one that does nothing.
     */
    Thread scrapeDuring(int seconds) {
        if (!telemetryOn) {
            return Thread.ofVirtual().start(() -> { });
        }
        MeshConfigs.MetricsPorts ports = mesh.ports().metricsPorts();
        return Thread.ofVirtual().name("scrape").start(() -> {
            try {
                Thread.sleep(seconds * 500L);
            } catch (InterruptedException e) {
                return;
            }
            for (int port : List.of(ports.router(), ports.verifier(), ports.drafter())) {
                scrapes.incrementAndGet();
                try {
                    scrapedBytes.addAndGet(PrometheusScrape.scrape(port));
                } catch (IOException | InterruptedException e) {
                    scrapeFailures.incrementAndGet();
                    lastScrapeFailure.set(e.toString());
                }
            }
        });
    }

    /** What this mesh's telemetry did: the scrapes and, from the sink, what the exporters sent. */
    void printTelemetry(PrintStream out, OtlpSink sink) {
        if (!telemetryOn) {
            return;
        }
        out.printf(Locale.ROOT, "telemetry on: %d Prometheus scrapes (%d failed%s), %.0f bytes each on average; OTLP "
                        + "sink received %d trace exports (%.1f MB) and %d metric exports (%.1f MB)%n", scrapes.get(),
                scrapeFailures.get(), lastScrapeFailure.get() == null ? "" : ", last: " + lastScrapeFailure.get(),
                scrapes.get() == 0 ? 0.0 : (double) scrapedBytes.get() / scrapes.get(), sink.traces().exports(),
                sink.traces().bytes() / 1e6, sink.metrics().exports(), sink.metrics().bytes() / 1e6);
    }

    @Override
    public void close() {
        client.close();
        mesh.close();
    }
}
