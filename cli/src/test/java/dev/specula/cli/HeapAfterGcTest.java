package dev.specula.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class HeapAfterGcTest {

    @Test
    void parseUsed_parallelGc_youngPlusOld() {
        String info = """
                12345:
                 PSYoungGen      total 76288K, used 3932K [0x00000000fab00000, 0x0000000100000000)
                  eden space 65536K, 6% used [0x00000000fab00000,0x00000000faed7240,0x00000000feb00000)
                 ParOldGen       total 175104K, used 1000K [0x00000000f0000000, 0x00000000fab00000)
                 Metaspace       used 6700K, committed 6912K, reserved 1114112K
                """;
        assertThat(HeapAfterGc.parseUsed(info)).isEqualTo(4932);
    }

    @Test
    void parseUsed_g1_oneHeap() {
        String info = """
                12345:
                 garbage-first heap   total reserved 8192000K, committed 258048K, used 5632K [0x0000000600000000,                 0x0000000800000000)
                  region size 4096K, 2 young (8192K), 0 survivors (0K)
                 Metaspace       used 6700K, committed 6912K, reserved 1114112K
                """;
        assertThat(HeapAfterGc.parseUsed(info)).isEqualTo(5632);
    }

    @Test
    void parseUsed_noHeapLine_refusedSayingWhatWasExpected() {
        assertThatThrownBy(() -> HeapAfterGc.parseUsed("12345:\nCommand executed successfully\n"))
                .hasMessageContaining("expected: one per heap or generation");
    }

    @Test
    void kibibytes_thisJvm_positiveAndBelowItsCommittedHeap() {
        Path jcmd = ProcessHandle.current().info().command().map(java -> Path.of(java).resolveSibling("jcmd"))
                .orElseThrow();
        assumeTrue(Files.isExecutable(jcmd), "needs the JDK's jcmd beside " + jcmd.getParent());
        long committedKib = Runtime.getRuntime().totalMemory() / 1024;
        assertThat(HeapAfterGc.kibibytes(ProcessHandle.current().pid()).orElseThrow())
                .isPositive().isLessThanOrEqualTo(committedKib);
    }
}
