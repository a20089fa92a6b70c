package dev.specula.engine.kernel.cuda;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device memory ledger and the out-of-memory message, which need no device. */
class DeviceMemoryTest {

    @Test
    void ledger_weightsAndBuffers_tracksTotalAndPeak() {
        DeviceMemory memory = new DeviceMemory();
        memory.addWeight(1000);
        memory.addBuffer(500);
        memory.addBuffer(300);
        memory.removeBuffer(500);

        assertThat(memory.allocatedBytes()).isEqualTo(1300);
        assertThat(memory.weightBytes()).isEqualTo(1000);
        assertThat(memory.bufferBytes()).isEqualTo(300);
        assertThat(memory.peakBytes()).isEqualTo(1800);
        assertThat(memory.summary()).isEqualTo("weights 1000 B in 1 tensors, buffers 300 B in 1, peak 1.76 KiB");
    }

    @Test
    void removeBuffer_moreThanHeld_fails() {
        DeviceMemory memory = new DeviceMemory();
        memory.addBuffer(10);
        assertThatThrownBy(() -> memory.removeBuffer(11)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("free of 11 bytes");
    }

    @Test
    void outOfMemory_message_namesWhatSizeFreeAndHeld() {
        DeviceMemory memory = new DeviceMemory();
        memory.addWeight(3L << 30);
        OutOfDeviceMemoryException e = memory.outOfMemory("weight blk.7.ffn_up.weight Q8_0 [2048, 5632]", 12L << 20,
                "NVIDIA H100", 5L << 20, 80L << 30);
        assertThat(e.getMessage())
                .startsWith("weight blk.7.ffn_up.weight Q8_0 [2048, 5632]: 12.00 MiB needed, 5.00 MiB free of 80.00 GiB"
                        + " on NVIDIA H100; this backend already holds weights 3.00 GiB in 1 tensors");
    }

    @Test
    void bytes_units_areBinary() {
        assertThat(DeviceMemory.bytes(0)).isEqualTo("0 B");
        assertThat(DeviceMemory.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(DeviceMemory.bytes(1L << 40)).isEqualTo("1.00 TiB");
    }
}
