package dev.specula.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ResidentMemoryTest {

    @Test
    void parseVmRss_procStatus_kibibytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t  100000 kB\n";
        assertThat(ResidentMemory.parseVmRss(status)).isEqualTo(123_456);
    }

    @Test
    void parseVmRss_missingOrOddLine_refusedNamingVmRss() {
        assertThatThrownBy(() -> ResidentMemory.parseVmRss("Name:\tjava\n")).hasMessageStartingWith("VmRSS: no such line");
        assertThatThrownBy(() -> ResidentMemory.parseVmRss("VmRSS:\t12 MB\n")).hasMessageContaining("expected: 'VmRSS: <n> kB'");
    }

    @Test
    void kibibytes_thisProcess_atLeastItsHeapInUse() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        long used = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;
        assertThat(ResidentMemory.kibibytes(ProcessHandle.current().pid()).orElseThrow())
                .isGreaterThan(Math.min(used, 10_000));
    }

    @Test
    void kibibytes_noSuchProcess_empty() {
        assertThat(ResidentMemory.kibibytes(Long.MAX_VALUE)).isEmpty();
    }
}
