package dev.specula.rpc;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    private static ByteString bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return ByteString.copyFrom(b);
    }

    @Test
    void firstMalformedByte_wellFormed_minusOne() {
        assertThat(Utf8.firstMalformedByte(ByteString.copyFrom("héllo 世界 😀", StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8.firstMalformedByte(ByteString.EMPTY)).isEqualTo(-1);
    }

    @Test
    void firstMalformedByte_badBytes_offsetOfTheFirst() {
        assertThat(Utf8.firstMalformedByte(bytes('a', 0xFF, 'b'))).isEqualTo(1);
        assertThat(Utf8.firstMalformedByte(bytes('a', 'b', 0xC3, '('))).as("bad continuation").isEqualTo(2);
        assertThat(Utf8.firstMalformedByte(bytes('a', 0xC0, 0xAF))).as("overlong").isEqualTo(1);
        assertThat(Utf8.firstMalformedByte(bytes('a', 0xED, 0xA0, 0x80))).as("surrogate").isEqualTo(1);
        assertThat(Utf8.firstMalformedByte(bytes('a', 'b', 'c', 0xE4, 0xB8))).as("truncated at the end").isEqualTo(3);
    }

    @Test
    void firstMalformedByte_badByteAfterLongValidText_exactOffset() {
        byte[] text = "é".repeat(3000).getBytes(StandardCharsets.UTF_8);
        ByteString withBad = ByteString.copyFrom(text).concat(bytes(0x80));
        assertThat(Utf8.firstMalformedByte(withBad)).isEqualTo(6000);
    }
}
