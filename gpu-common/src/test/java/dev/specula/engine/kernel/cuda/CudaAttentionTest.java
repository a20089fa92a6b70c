package dev.specula.engine.kernel.cuda;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.DeviceBuffer;
import dev.specula.engine.kernel.cpu.NaiveBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static dev.specula.engine.kernel.cuda.CudaTestSupport.*;

/**
 * Attention for one token (decode) and for a causal block of k + 1 tokens against cached keys and values,
 * with grouped-query heads, against the oracle. The kernel's online softmax rescales partial sums where
 * the oracle normalises once, so outputs (convex combinations of values of magnitude ~1) agree to 2e-5.
 */
class CudaAttentionTest extends SharedCudaBackend {

    private static final float TOLERANCE = 2e-5f;
    private static final NaiveBackend NAIVE = new NaiveBackend();

    @ParameterizedTest
    @CsvSource({
            "8, 8, 8, 0", "8, 8, 8, 13",        // stories260K shape: 8 heads of 8
            "4, 2, 16, 5",                      // GQA, as the tiny test models
            "32, 8, 64, 37", "32, 8, 64, 700",  // Llama 3.2 1B heads; a context longer than 8 warps x 64
            "16, 16, 128, 3", "8, 1, 256, 60"   // multi-head attention; the largest head, one KV head
    })
    void attention_decodeAndBlocksUpTo16_matchOracle(int heads, int kvHeads, int headSize, int startPos) {
        SplittableRandom random = new SplittableRandom(31L * heads + startPos);
        for (int n = 1; n <= 16; n++) {
            float[][] q = randomRows(n, heads * headSize, random);
            float[][] keys = randomRows(startPos + n, kvHeads * headSize, random);
            float[][] values = randomRows(startPos + n, kvHeads * headSize, random);
            assertClose(attention(cuda, q, keys, values, startPos, heads, kvHeads, headSize),
                    attention(NAIVE, q, keys, values, startPos, heads, kvHeads, headSize), TOLERANCE,
                    "heads " + heads + "/" + kvHeads + " x " + headSize + " at " + startPos + " n=" + n);
        }
    }

    private static float[][] attention(Backend backend, float[][] q, float[][] keys, float[][] values, int startPos,
                                       int heads, int kvHeads, int headSize) {
        DeviceBuffer qb = upload(backend, q);
        DeviceBuffer kb = upload(backend, keys);
        DeviceBuffer vb = upload(backend, values);
        DeviceBuffer out = backend.allocate(q.length, heads * headSize);
        backend.attention(qb, kb, vb, out, q.length, startPos, heads, kvHeads, headSize);
        float[][] result = download(backend, out, q.length);
        for (DeviceBuffer b : new DeviceBuffer[] {qb, kb, vb, out}) {
            backend.free(b);
        }
        return result;
    }
}
