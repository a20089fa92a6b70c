package dev.specula.e2e;

import dev.specula.e2e.HostileCase.Outcome;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import io.grpc.ManagedChannel;
import dev.specula.rpc.Channels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's hostile-request suite: a table of malformed and hostile requests (bad fields over gRPC and HTTP,
 * unparseable bytes, oversize messages, wrong tokens, bad TLS, per-client limits, a full verifier, clients that
 * cancel or never read), sent twice against real meshes in this JVM. Each must get its status with a message
 * naming the field; between and after the passes every service is ready, a greedy request gives the same tokens
 * as before the first, and the heap after a forced GC stays within {@link #HEAP_GROWTH_BOUND_BYTES} of its level
 * after warm-up. Prints the table (case, expected, got, ok).
 */
class HostileRequestsTest {

    /** How far the used heap after GC may rise above its level after warm-up, over two passes of the table. */
    static final long HEAP_GROWTH_BOUND_BYTES = 32L << 20;
    private static final int PASSES = 2;

    @TempDir
    static Path work;

    private static HostileMeshes meshes;

    @BeforeAll
    static void start() throws Exception {
        meshes = HostileMeshes.start(work);
    }

    @AfterAll
    static void stop() {
        if (meshes != null) {
            meshes.close();
        }
    }

    @Test
    void hostileRequests_eachGetsItsStatusNamingTheField_andTheMeshStaysHealthyWithFlatMemory() throws Exception {
        List<HostileCase> table = new ArrayList<>();
        table.addAll(HostileFieldCases.cases(meshes.openChannel));
        table.addAll(HostileHttpCases.cases(meshes.http, meshes.httpBase()));
        table.addAll(HostileLoadCases.cases(meshes));
        Set<String> names = new HashSet<>();
        table.forEach(c -> assertThat(names.add(c.via() + " " + c.name())).as("unique: %s", c.name()).isTrue());
        assertThat(table).hasSizeGreaterThanOrEqualTo(50);

        GenerateRequest greedy = GenerateRequest.newBuilder().setPrompt("Debian is a free operating system")
                .setMaxTokens(24).setSpeculation(Speculation.newBuilder().setMode(SpeculationMode.SPECULATION_MODE_FIXED)
                        .setDraftLength(3)).build();
        List<Integer> reference = HostileCalls.complete(meshes.openChannel, greedy, null).tokenIds();
        assertThat(reference).as("a greedy completion to compare").isNotEmpty();
        // Warm-up: the first case of every kind, so that what the JIT, pools and caches keep is in the baseline.
        Set<String> warmed = new HashSet<>();
        for (HostileCase c : table) {
            if (warmed.add(c.via())) {
                c.probe().run();
            }
        }
        long baseline = usedHeapAfterGc();

        List<String> failures = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        long[] heapAfterPass = new long[PASSES];
        for (int pass = 1; pass <= PASSES; pass++) {
            long started = System.nanoTime();
            report.append(String.format(Locale.ROOT, "%nHostile requests, pass %d of %d:%n%-56s %-5s %-19s %-19s %-4s %6s  %s%n",
                    pass, PASSES, "case", "via", "expected", "got", "ok", "ms", "message"));
            for (HostileCase c : table) {
                long caseStart = System.nanoTime();
                Outcome outcome;
                try {
                    outcome = c.probe().run();
                } catch (Exception e) {
                    outcome = new Outcome("THREW", e.toString());
                }
                boolean ok = c.accepts(outcome);
                report.append(String.format(Locale.ROOT, "%-56s %-5s %-19s %-19s %-4s %6d  %s%n", c.name(), c.via(),
                        c.expected(), outcome.got(), ok ? "ok" : "FAIL", (System.nanoTime() - caseStart) / 1_000_000,
                        abbreviate(String.valueOf(outcome.message()).replace('\n', ' '), 90)));
                if (!ok) {
                    failures.add("pass " + pass + ": " + c.name() + ": expected " + c.expected() + " with '"
                            + c.mustContain() + "', got " + outcome.got() + ": " + abbreviate(outcome.message(), 300));
                }
            }
            heapAfterPass[pass - 1] = usedHeapAfterGc();
            report.append(String.format(Locale.ROOT, "pass %d: %d cases in %.1f s; heap after GC %d MiB (after warm-up %d MiB)%n",
                    pass, table.size(), (System.nanoTime() - started) / 1e9, heapAfterPass[pass - 1] >> 20, baseline >> 20));
            assertHealthy(reference, greedy, failures, "after pass " + pass);
        }
        System.out.println(report);

        assertThat(failures).as("cases with the wrong status or a message not naming the field").isEmpty();
        for (int pass = 0; pass < PASSES; pass++) {
            assertThat(heapAfterPass[pass] - baseline).as("heap growth after pass %d (bytes)", pass + 1)
                    .isLessThan(HEAP_GROWTH_BOUND_BYTES);
        }
    }

    /** Every server ready, and the greedy request's tokens unchanged. */
    private static void assertHealthy(List<Integer> reference, GenerateRequest greedy, List<String> failures, String when) {
        int[] ports = {meshes.open.routerPort(), meshes.open.verifierPort(), meshes.open.drafterPort()};
        for (int port : ports) {
            ManagedChannel channel = Channels.plaintext("localhost:" + port);
            try {
                String readiness = HostileCalls.readiness(channel);
                if (!readiness.equals("SERVING")) {
                    failures.add(when + ": readiness of port " + port + " is " + readiness);
                }
            } finally {
                Channels.close(channel);
            }
        }
        String secured = HostileCalls.readiness(meshes.securedChannel);
        if (!secured.equals("SERVING")) {
            failures.add(when + ": readiness of the secured router is " + secured);
        }
        List<Integer> again = HostileCalls.complete(meshes.openChannel, greedy, null).tokenIds();
        if (!again.equals(reference)) {
            failures.add(when + ": greedy tokens changed: " + again + " (before: " + reference + ")");
        }
    }

    /** The heap in use after a few forced collections: the mesh's services run in this JVM. */
    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String abbreviate(String message, int length) {
        return message == null || message.length() <= length ? message : message.substring(0, length) + "...";
    }
}
