package dev.specula.engine.gguf;

import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tensor.TensorCodec;
import dev.specula.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void roundTrip_metadataOfEveryValueType_readsBackEqualInOrder() throws IOException {
        Map<String, GgufValue> expected = new LinkedHashMap<>();
        expected.put("t.uint8", new GgufValue(GgufValueType.UINT8, (byte) 200));
        expected.put("t.int8", new GgufValue(GgufValueType.INT8, (byte) -5));
        expected.put("t.uint16", new GgufValue(GgufValueType.UINT16, (short) 60000));
        expected.put("t.int16", new GgufValue(GgufValueType.INT16, (short) -300));
        expected.put("t.uint32", new GgufValue(GgufValueType.UINT32, 0xFFFF_FFF0));
        expected.put("t.int32", new GgufValue(GgufValueType.INT32, -123456));
        expected.put("t.float32", new GgufValue(GgufValueType.FLOAT32, 3.25f));
        expected.put("t.bool.true", new GgufValue(GgufValueType.BOOL, true));
        expected.put("t.bool.false", new GgufValue(GgufValueType.BOOL, false));
        expected.put("t.string", new GgufValue(GgufValueType.STRING, "héllo ▁wörld 🙂"));
        expected.put("t.string.empty", new GgufValue(GgufValueType.STRING, ""));
        expected.put("t.uint64", new GgufValue(GgufValueType.UINT64, -2L));
        expected.put("t.int64", new GgufValue(GgufValueType.INT64, Long.MIN_VALUE));
        expected.put("t.float64", new GgufValue(GgufValueType.FLOAT64, Math.PI));
        expected.put("t.strings", array(GgufValueType.STRING, List.of("<s>", "</s>", "▁the", "")));
        expected.put("t.floats", array(GgufValueType.FLOAT32, List.of(0f, -1.5f, 1e-20f)));
        expected.put("t.ints", array(GgufValueType.INT32, List.of(1, -2, Integer.MAX_VALUE)));
        expected.put("t.empty", array(GgufValueType.UINT8, List.of()));
        expected.put("t.nested", array(GgufValueType.ARRAY, List.of(
                new GgufValue.GgufArray(GgufValueType.INT32, List.of(1, 2, 3)),
                new GgufValue.GgufArray(GgufValueType.ARRAY, List.of(
                        new GgufValue.GgufArray(GgufValueType.STRING, List.of("deep")))))));
        GgufWriter writer = new GgufWriter();
        expected.forEach(writer::put);
        Path file = dir.resolve("meta.gguf");
        writer.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().asMap()).containsExactlyEntriesOf(expected);
            assertThat(gguf.tensors()).isEmpty();
            assertThat(gguf.metadata().getStringArray("t.strings")).containsExactly("<s>", "</s>", "▁the", "");
            assertThat(gguf.metadata().getFloatArray("t.floats")).containsExactly(0f, -1.5f, 1e-20f);
            assertThat(gguf.metadata().getIntArray("t.ints")).containsExactly(1, -2, Integer.MAX_VALUE);
            assertThat(gguf.metadata().getLong("t.uint32")).isEqualTo(0xFFFF_FFF0L);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.MATCH_NONE, names = ".*_K") // the encodable types
    void roundTrip_tensorOfEveryType_dequantizesToTheQuantizedValues(GgmlType type) throws IOException {
        long[] dims = {64, 3};
        float[] values = randomValues(64 * 3, type.ordinal());
        byte[] quantized = TensorCodec.quantize(type, values);
        float[] expected = dequantize(type, MemorySegment.ofArray(quantized), values.length);
        Path file = dir.resolve(type + ".gguf");
        new GgufWriter().putString("general.name", "t").addQuantized("w", type, dims, values).write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            WeightTensor w = gguf.tensor("w");
            assertThat(w.type()).isEqualTo(type);
            assertThat(w.dims()).containsExactly(64, 3);
            assertThat(w.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(quantized);
            assertThat(dequantize(type, w.data(), values.length)).containsExactly(expected);
        }
    }

    @Test
    void write_oddSizedTensors_padsEachToTheAlignmentWithZeros() throws IOException {
        Path file = dir.resolve("padded.gguf");
        new GgufWriter()
                .putString("general.architecture", "llama")
                .addQuantized("a", GgmlType.F16, new long[]{3}, new float[]{1, 2, 3})
                .addQuantized("b", GgmlType.F32, new long[]{5}, new float[]{1, 2, 3, 4, 5})
                .addQuantized("c", GgmlType.Q4_0, new long[]{32}, randomValues(32, 9))
                .write(file);

        byte[] bytes = Files.readAllBytes(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.alignment()).isEqualTo(32);
            assertThat(gguf.dataOffset() % 32).isZero();
            long end = gguf.dataOffset();
            for (WeightTensor t : gguf.tensors()) {
                long offset = gguf.fileOffset(t.name());
                assertThat(offset % 32).as(t.name()).isZero();
                assertThat(offset).as(t.name()).isGreaterThanOrEqualTo(end);
                for (long i = end; i < offset; i++) {
                    assertThat(bytes[(int) i]).as("padding byte %d before %s", i, t.name()).isZero();
                }
                end = offset + t.data().byteSize();
            }
            assertThat(gguf.fileOffset("b") - gguf.fileOffset("a")).isEqualTo(32);
            assertThat(bytes.length % 32).isZero();
        }
    }

    @Test
    void write_generalAlignment64_isHonouredByWriterAndReader() throws IOException {
        Path file = dir.resolve("aligned64.gguf");
        new GgufWriter()
                .putUInt32("general.alignment", 64)
                .addQuantized("a", GgmlType.F32, new long[]{3}, new float[]{1, 2, 3})
                .addQuantized("b", GgmlType.BF16, new long[]{2, 2}, new float[]{1, 2, 3, 4})
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.alignment()).isEqualTo(64);
            assertThat(gguf.dataOffset() % 64).isZero();
            assertThat(gguf.fileOffset("b") - gguf.fileOffset("a")).isEqualTo(64);
            assertThat(dequantize(GgmlType.BF16, gguf.tensor("b").data(), 4)).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void write_tensorsReadFromAGgufFile_copyByteForByte() throws IOException {
        Path original = dir.resolve("original.gguf");
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", "llama")
                .putFloat32("llama.rope.freq_base", 10000f)
                .putBool("flag", true);
        for (GgmlType type : GgmlType.values()) {
            if (!type.encodable()) {
                continue;
            }
            writer.addQuantized("t." + type, type, new long[]{32, 2}, randomValues(64, type.id()));
        }
        writer.write(original);

        Path copy = dir.resolve("copy.gguf");
        try (GgufFile gguf = GgufFile.open(original)) {
            GgufWriter copier = new GgufWriter();
            gguf.metadata().asMap().forEach(copier::put);
            gguf.tensors().forEach(copier::addTensor);
            copier.write(copy);
            assertThat(gguf.tensors()).extracting(WeightTensor::name)
                    .containsExactly("t.F32", "t.F16", "t.Q4_0", "t.Q8_0", "t.BF16");
        }
        assertThat(Files.mismatch(original, copy)).isEqualTo(-1L);
    }

    @Test
    void open_tensorBeyond2GiB_isReachedThroughLongOffsets() throws IOException {
        long offset = 3L << 30;
        Path file = GgufBytes.header(1, 0).tensorInfo("far", new long[]{2}, GgmlType.F32.id(), offset)
                .padTo(32).writeTo(dir.resolve("sparse.gguf"));
        long dataOffset = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // A sparse file: only the header and the last 8 bytes take disk space.
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip(),
                    dataOffset + offset);
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.fileOffset("far")).isEqualTo(dataOffset + offset);
            assertThat(dequantize(GgmlType.F32, gguf.tensor("far").data(), 2)).containsExactly(1.5f, -2f);
        }
    }

    @Test
    void writer_duplicateKeyOrTensor_isRejected() {
        GgufWriter writer = new GgufWriter().putString("k", "v").addTensor("t", GgmlType.F32, new long[]{1}, new byte[4]);
        assertThatThrownBy(() -> writer.putString("k", "again")).hasMessageContaining("k").hasMessageContaining("twice");
        assertThatThrownBy(() -> writer.addTensor("t", GgmlType.F32, new long[]{1}, new byte[4]))
                .hasMessageContaining("t").hasMessageContaining("twice");
    }

    @Test
    void writer_badAlignmentOrArrayElement_isRejected() {
        assertThatThrownBy(() -> new GgufWriter().putUInt32("general.alignment", 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48").hasMessageContaining("power of two");
        assertThatThrownBy(() -> new GgufWriter().putArray("k", GgufValueType.INT32, List.of(1, "two")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k").hasMessageContaining("two");
    }

    private static GgufValue array(GgufValueType elementType, List<?> elements) {
        return new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(elementType, List.<Object>copyOf(elements)));
    }

    private static float[] dequantize(GgmlType type, MemorySegment data, int count) {
        float[] out = new float[count];
        TensorCodec.dequantize(type, data, 0, out, 0, count);
        return out;
    }

    private static float[] randomValues(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
