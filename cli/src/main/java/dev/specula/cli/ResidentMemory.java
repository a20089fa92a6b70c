package dev.specula.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's resident set size (the memory it holds in RAM), as Linux reports it in {@code /proc/<pid>/status}:
 * what a soak test watches for leaks, the whole process (heap, metaspace, threads, native buffers) and not only the
 * Java heap.
 */
final class ResidentMemory {

    private ResidentMemory() {
    }

    /** The resident set size of process {@code pid} in KiB; empty where there is no {@code /proc} (not Linux) or the
     * process is gone. */
    static OptionalLong kibibytes(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            return OptionalLong.of(parseVmRss(Files.readString(status)));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code VmRSS} line's value in KiB ("VmRSS:	  123456 kB"). */
    static long parseVmRss(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                if (parts.length == 2 && parts[1].equals("kB")) {
                    return Long.parseLong(parts[0]);
                }
                throw new IllegalArgumentException("VmRSS: '" + line + "' (expected: 'VmRSS: <n> kB')");
            }
        }
        throw new IllegalArgumentException("VmRSS: no such line in /proc/<pid>/status (expected: one)");
    }
}
