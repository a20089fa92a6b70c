package dev.specula.engine.kernel.cuda;

import dev.specula.engine.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Host-side kernel choices, and that they agree with the constants and entry points of the CUDA sources. */
class KernelPlanTest {

    private static final Path CUDA = Path.of("src/main/cuda");

    @Test
    void matmulEntry_alignedAndUnalignedWidths_pickWideOrScalarKernel() {
        assertThat(KernelPlan.matmulEntry(GgmlType.F32, 96)).isEqualTo("matmul_f32");
        assertThat(KernelPlan.matmulEntry(GgmlType.F32, 42)).isEqualTo("matmul_scalar");
        assertThat(KernelPlan.matmulEntry(GgmlType.F16, 96)).isEqualTo("matmul_f16");
        assertThat(KernelPlan.matmulEntry(GgmlType.F16, 44)).isEqualTo("matmul_scalar");
        assertThat(KernelPlan.matmulEntry(GgmlType.BF16, 40)).isEqualTo("matmul_bf16");
        assertThat(KernelPlan.matmulEntry(GgmlType.Q8_0, 96)).isEqualTo("matmul_q8_0");
        assertThat(KernelPlan.matmulEntry(GgmlType.Q4_0, 96)).isEqualTo("matmul_q4_0");
    }

    @Test
    void blocks_counts_roundUp() {
        assertThat(KernelPlan.blocks(1, 256)).isEqualTo(1);
        assertThat(KernelPlan.blocks(256, 256)).isEqualTo(1);
        assertThat(KernelPlan.blocks(257, 256)).isEqualTo(2);
        assertThat(KernelPlan.blocks(0, 256)).isEqualTo(1);
    }

    @Test
    void constants_matchTheDefinesOfTheCudaSources() throws IOException {
        assertThat(define("matmul.cu", "MATMUL_WARPS")).isEqualTo(KernelPlan.MATMUL_WARPS);
        assertThat(define("matmul.cu", "MATMUL_ROWS")).isEqualTo(KernelPlan.MATMUL_ROWS);
        assertThat(define("attention.cu", "ATT_WARPS")).isEqualTo(KernelPlan.ATTENTION_WARPS);
        assertThat(define("attention.cu", "MAX_HEAD_SIZE")).isEqualTo(KernelPlan.MAX_HEAD_SIZE);
        assertThat(define("sampling.cu", "SAMPLE_THREADS")).isEqualTo(KernelPlan.SAMPLE_THREADS);
        for (GgmlType type : GgmlType.values()) {
            if (type.isKQuant()) {
                continue; // decoded to F32 at upload: no kernel code
            }
            assertThat(define("common.cuh", "T_" + type)).as("%s", type).isEqualTo(KernelPlan.typeCode(type));
        }
    }

    @Test
    void typeCode_kQuant_isRefusedAsDecodedAtUpload() {
        assertThatThrownBy(() -> KernelPlan.typeCode(GgmlType.Q4_K))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q4_K").hasMessageContaining("F32 at upload");
    }

    @Test
    void everyLaunchedKernel_isAnEntryPointOfAPtxModule() {
        StringBuilder ptx = new StringBuilder();
        for (String module : KernelPlan.MODULES) {
            ptx.append(CudaKernels.ptx(module + ".ptx"));
        }
        for (String kernel : new String[] {"matmul_scalar", "matmul_f32", "matmul_f16", "matmul_bf16", "matmul_q8_0",
                "matmul_q4_0", "embed", "rmsnorm", "softmax", "add", "add_bias", "swiglu", "rope", "attention",
                "argmax", "sample", "gather"}) {
            assertThat(ptx.toString()).as(kernel).contains(".visible .entry " + kernel + "(");
        }
        assertThat(ptx.toString()).contains(".target sm_90");
    }

    private static int define(String file, String name) throws IOException {
        Matcher m = Pattern.compile("#define " + name + " (\\d+)").matcher(Files.readString(CUDA.resolve(file)));
        assertThat(m.find()).as("#define %s in %s", name, file).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
