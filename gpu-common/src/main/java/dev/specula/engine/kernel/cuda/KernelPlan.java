package dev.specula.engine.kernel.cuda;

import dev.specula.engine.tensor.GgmlType;

/**
 * Host-side choices about the kernels that need no device: the type codes the kernels switch on, which matmul
 * entry point suits a weight, and launch geometry. The constants mirror the {@code #define}s of the CUDA
 * sources named beside each.
 */
final class KernelPlan {

    /** Weight rows per matmul block, one per warp ({@code MATMUL_WARPS} in matmul.cu). */
    static final int MATMUL_WARPS = 4;
    /** Activation rows one matmul launch row handles ({@code MATMUL_ROWS} in matmul.cu). */
    static final int MATMUL_ROWS = 8;
    /** Warps per attention block ({@code ATT_WARPS} in attention.cu). */
    static final int ATTENTION_WARPS = 8;
    /** Largest head the attention kernel holds in registers ({@code MAX_HEAD_SIZE} in attention.cu). */
    static final int MAX_HEAD_SIZE = 256;
    /** Threads of the sampling kernel ({@code SAMPLE_THREADS} in sampling.cu). */
    static final int SAMPLE_THREADS = 1024;
    /** Threads per block of row kernels (RMSNorm, softmax) and element-wise kernels. */
    static final int ROW_THREADS = 256;
    /** The PTX modules, one per kernel family, under this package's resources. */
    static final String[] MODULES = {"matmul", "elementwise", "attention", "sampling"};

    private KernelPlan() {
    }

    /** The code of {@code type} in the kernels ({@code T_F32} ... in common.cuh). */
    static int typeCode(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
            case Q8_0 -> 3;
            case Q4_0 -> 4;
            default -> throw kQuantOnDevice(type);
        };
    }

    /**
     * The matmul kernel for a weight of {@code type} with {@code cols} columns: the wide-load kernel of the
     * type when the row width allows its loads to stay aligned, else {@code matmul_scalar}.
     */
    static String matmulEntry(GgmlType type, int cols) {
        return switch (type) {
            case F32 -> cols % 4 == 0 ? "matmul_f32" : "matmul_scalar";
            case F16 -> cols % 8 == 0 ? "matmul_f16" : "matmul_scalar";
            case BF16 -> cols % 8 == 0 ? "matmul_bf16" : "matmul_scalar";
            case Q8_0 -> "matmul_q8_0";
            case Q4_0 -> "matmul_q4_0";
            default -> throw kQuantOnDevice(type);
        };
    }

    /** K-quants never reach the kernels: {@link CudaBackend#load} decodes them to F32 at upload. */
    private static IllegalArgumentException kQuantOnDevice(GgmlType type) {
        return new IllegalArgumentException("weight type " + type
                + " (expected: F32, F16, BF16, Q8_0 or Q4_0 on the device; K-quants are decoded to F32 at upload)");
    }

    /** Blocks of {@code threads} that cover {@code count} elements. */
    static int blocks(long count, int threads) {
        long blocks = (count + threads - 1) / threads;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count: " + count + " (expected: at most "
                    + (long) Integer.MAX_VALUE * threads + " elements in one launch)");
        }
        return (int) Math.max(1, blocks);
    }
}
