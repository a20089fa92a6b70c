package dev.specula.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java heap a process still uses after a full collection, through the JDK's {@code jcmd} ({@code GC.run}, then
 * {@code GC.heap_info}): what tells a leak from a heap that merely grew, since the resident size of a JVM follows its
 * committed heap, which the collector expands under load and rarely gives back.
 */
final class HeapAfterGc {

    /** The "used" of a heap (or generation) line of {@code GC.heap_info}, which names its address range: "PSYoungGen
     * total 76288K, used 3932K [0x...", "garbage-first heap total reserved 8192000K, committed 258048K, used 5632K
     * [0x...". Metaspace's line has no range, the spaces within a generation a percentage. */
    private static final Pattern USED = Pattern.compile("used (\\d+)K \\[");
    private static final long TIMEOUT_SECONDS = 60;

    private HeapAfterGc() {
    }

    /** Collects process {@code pid}'s heap in full and returns what is still used, in KiB; empty where this JDK has no
     * {@code jcmd} or it fails (the process gone, or attach refused). */
    static OptionalLong kibibytes(long pid) {
        Path jcmd = ProcessHandle.current().info().command().map(java -> Path.of(java).resolveSibling("jcmd"))
                .orElse(null);
        if (jcmd == null || !Files.isExecutable(jcmd)) {
            return OptionalLong.empty();
        }
        try {
            run(jcmd, pid, "GC.run");
            return OptionalLong.of(parseUsed(run(jcmd, pid, "GC.heap_info")));
        } catch (IOException | IllegalArgumentException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    private static String run(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + ": " + out.strip());
        }
        return out;
    }

    /** The sum of the heap lines' "used" (young and old generations, or G1's one heap), in KiB. */
    static long parseUsed(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        long used = 0;
        boolean found = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalArgumentException("GC.heap_info: no 'used NK [' line in '" + heapInfo.strip()
                    + "' (expected: one per heap or generation)");
        }
        return used;
    }
}
