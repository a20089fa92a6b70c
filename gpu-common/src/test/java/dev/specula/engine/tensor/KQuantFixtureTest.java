package dev.specula.engine.tensor;

import dev.specula.engine.SharedData;
import dev.specula.engine.gguf.GgufFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every tensor of llama.cpp's K-quantized fixture models ({@code ../shared/fixtures/kquants}) decodes to llama.cpp's
 * own values ({@code dequant-reference.json}, from gguf-py): count, sum and sum of squares to 1e-6 relative (the sum
 * relative to the sum of squares, as it may be near zero), the first and last 64 values exactly, and the SHA-256 of
 * all values as little-endian float32. The decoder makes llama.cpp's float products in its order, so all are exact.
 */
class KQuantFixtureTest {

    static final String FIXTURES = "fixtures/kquants/";
    private static final double RELATIVE = 1e-6;

    @ParameterizedTest
    @ValueSource(strings = {"rand-Q2_K.gguf", "rand-Q3_K_M.gguf", "rand-Q4_K_M.gguf", "rand-Q4_K_S.gguf",
            "rand-Q5_K_M.gguf", "rand-Q6_K.gguf"})
    void dequantize_everyTensorOfTheFile_equalsLlamaCppReference(String file) throws Exception {
        Path model = SharedData.require(FIXTURES + file);
        JsonNode reference;
        try (InputStream in = Files.newInputStream(SharedData.require(FIXTURES + "dequant-reference.json"))) {
            reference = new ObjectMapper().readTree(in).get(file);
        }
        assertThat(reference).as("reference entry for %s", file).isNotNull();
        int hashesMatched = 0;
        double largestDifference = 0;
        try (GgufFile gguf = GgufFile.open(model)) {
            assertThat(gguf.tensors()).hasSize(reference.size());
            for (WeightTensor tensor : gguf.tensors()) {
                JsonNode expected = reference.get(tensor.name());
                String what = file + " " + tensor;
                assertThat(expected).as("reference for %s", what).isNotNull();
                assertThat(tensor.type().name()).as(what).isEqualTo(expected.get("type").asString());
                float[] values = new float[Math.toIntExact(tensor.elementCount())];
                TensorCodec.dequantize(tensor.type(), tensor.data(), 0, values, 0, values.length);

                assertThat(values.length).as("count of %s", what).isEqualTo(expected.get("count").asInt());
                double sum = 0;
                double sumSq = 0;
                for (float v : values) {
                    sum += v;
                    sumSq += (double) v * v;
                }
                double expectedSum = expected.get("sum").asDouble();
                double expectedSumSq = expected.get("sum_sq").asDouble();
                assertThat(sum).as("sum of %s", what).isCloseTo(expectedSum, within(RELATIVE * expectedSumSq));
                assertThat(sumSq).as("sum of squares of %s", what)
                        .isCloseTo(expectedSumSq, within(RELATIVE * expectedSumSq));
                largestDifference = Math.max(largestDifference, compareEnds(what, values, expected));
                if (sha256(values).equals(expected.get("sha256_f32le").asString())) {
                    hashesMatched++;
                }
            }
        }
        System.out.printf("%s: %d of %d tensor hashes equal llama.cpp's; largest difference in the first and last 64 values: %g%n",
                file, hashesMatched, reference.size(), largestDifference);
        assertThat(hashesMatched).as("tensors of %s whose SHA-256 equals llama.cpp's", file).isEqualTo(reference.size());
    }

    /** Checks the first and last 64 values exactly; returns the largest absolute difference (printed). */
    private static double compareEnds(String what, float[] values, JsonNode expected) {
        double largest = 0;
        JsonNode first = expected.get("first_64");
        JsonNode last = expected.get("last_64");
        for (int j = 0; j < 64; j++) {
            largest = Math.max(largest, compare(what + " value " + j, values[j], (float) first.get(j).asDouble()));
            int k = values.length - 64 + j;
            largest = Math.max(largest, compare(what + " value " + k, values[k], (float) last.get(j).asDouble()));
        }
        return largest;
    }

    private static double compare(String what, float actual, float expected) {
        assertThat(actual).as(what).isEqualTo(expected);
        return Math.abs(actual - expected);
    }

    static String sha256(float[] values) throws Exception {
        MemorySegment bytes = MemorySegment.ofArray(new byte[values.length * 4]);
        MemorySegment.copy(values, 0, bytes, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                values.length);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toArray(ValueLayout.JAVA_BYTE)));
    }
}
