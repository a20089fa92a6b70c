// Weight-times-activations kernels: out[i, r] = w[r, :] . x[i, :] for up to MATMUL_ROWS activation rows per
// launch row (grid.y covers more), and the embedding lookup. Decoding reads every weight byte once per token,
// so each warp streams one weight row with wide loads and applies it to all activation rows it holds.
#include "common.cuh"

#define MATMUL_WARPS 4  // weight rows per block (one per warp); keep in sync with CudaKernels.java
#define MATMUL_ROWS 8   // activation rows per launch row (grid.y); keep in sync with CudaKernels.java

__device__ __forceinline__ float dot4(float4 a, float4 b) {
    return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

// Shared skeleton: finds this warp's weight row and activation rows, runs ROW_DOT, reduces and stores.
#define MATMUL_BODY(...)                                                                            \
    int warp = threadIdx.x / WARP;                                                                 \
    int lane = threadIdx.x % WARP;                                                                 \
    int r = blockIdx.x * MATMUL_WARPS + warp;                                                      \
    if (r >= rows) return;                                                                         \
    int first = blockIdx.y * MATMUL_ROWS;                                                          \
    int nb = min(MATMUL_ROWS, n - first);                                                          \
    const float *xs = x + (long long) first * cols;                                                \
    float acc[MATMUL_ROWS];                                                                        \
    _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++) acc[b] = 0.0f;                         \
    __VA_ARGS__                                                                                    \
    _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++) {                                      \
        float s = warp_sum(acc[b]);                                                                \
        if (b < nb && lane == 0) out[(long long) (first + b) * rows + r] = s;                      \
    }

// Any type, any column count: one element per lane per step (the fallback for unaligned widths).
extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_scalar(const unsigned char *w, int type, const float *x, float *out,
                                         int rows, int cols, int n) {
    MATMUL_BODY(
        long long base = (long long) r * cols;
        for (int c = lane; c < cols; c += WARP) {
            float wv = decode_element(type, w, base + c);
            _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++)
                if (b < nb) acc[b] += wv * __ldg(xs + (long long) b * cols + c);
        })
}

// F32, cols % 4 == 0: one float4 of weights per lane per step.
extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_f32(const float *w, const float *x, float *out, int rows, int cols, int n) {
    MATMUL_BODY(
        const float4 *wr = (const float4 *) (w + (long long) r * cols);
        int quads = cols / 4;
        for (int c = lane; c < quads; c += WARP) {
            float4 wv = __ldg(wr + c);
            _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++)
                if (b < nb) acc[b] += dot4(wv, __ldg((const float4 *) (xs + (long long) b * cols) + c));
        })
}

// 8 half-precision values (16 bytes) to floats; bf selects bfloat16.
__device__ __forceinline__ void decode8(uint4 raw, bool bf, float4 &lo, float4 &hi) {
    unsigned int words[4] = {raw.x, raw.y, raw.z, raw.w};
    float v[8];
    _Pragma("unroll") for (int k = 0; k < 4; k++) {
        unsigned short a = (unsigned short) (words[k] & 0xffff);
        unsigned short b = (unsigned short) (words[k] >> 16);
        v[2 * k] = bf ? bf16_bits(a) : f16_bits(a);
        v[2 * k + 1] = bf ? bf16_bits(b) : f16_bits(b);
    }
    lo = make_float4(v[0], v[1], v[2], v[3]);
    hi = make_float4(v[4], v[5], v[6], v[7]);
}

// F16 or BF16, cols % 8 == 0: one 16-byte load of 8 weights per lane per step.
__device__ __forceinline__ void matmul_half8(const unsigned short *w, bool bf, const float *x, float *out,
                                             int rows, int cols, int n) {
    MATMUL_BODY(
        const uint4 *wr = (const uint4 *) (w + (long long) r * cols);
        int octets = cols / 8;
        for (int c = lane; c < octets; c += WARP) {
            float4 lo, hi;
            decode8(__ldg(wr + c), bf, lo, hi);
            _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++) {
                if (b < nb) {
                    const float4 *xr = (const float4 *) (xs + (long long) b * cols) + 2 * c;
                    acc[b] += dot4(lo, __ldg(xr)) + dot4(hi, __ldg(xr + 1));
                }
            }
        })
}

extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_f16(const unsigned short *w, const float *x, float *out, int rows, int cols, int n) {
    matmul_half8(w, false, x, out, rows, cols, n);
}

extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_bf16(const unsigned short *w, const float *x, float *out, int rows, int cols, int n) {
    matmul_half8(w, true, x, out, rows, cols, n);
}

// Q8_0: four lanes share a 34-byte block, eight quants each; a warp covers 8 blocks (272 bytes) per step.
extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_q8_0(const unsigned char *w, const float *x, float *out, int rows, int cols, int n) {
    MATMUL_BODY(
        int blocks = cols / 32;
        const unsigned char *wr = w + (long long) r * blocks * 34;
        int quarter = lane & 3;
        for (int blk = lane >> 2; blk < blocks; blk += WARP / 4) {
            const unsigned short *block = (const unsigned short *) (wr + blk * 34); // 2-byte aligned
            float scale = f16_bits(__ldg(block));
            float q[8];
            _Pragma("unroll") for (int k = 0; k < 4; k++) {
                unsigned short pair = __ldg(block + 1 + quarter * 4 + k);
                q[2 * k] = (float) (signed char) (pair & 0xff) * scale;
                q[2 * k + 1] = (float) (signed char) (pair >> 8) * scale;
            }
            float4 lo = make_float4(q[0], q[1], q[2], q[3]);
            float4 hi = make_float4(q[4], q[5], q[6], q[7]);
            int c = blk * 32 + quarter * 8;
            _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++) {
                if (b < nb) {
                    const float4 *xr = (const float4 *) (xs + (long long) b * cols + c);
                    acc[b] += dot4(lo, __ldg(xr)) + dot4(hi, __ldg(xr + 1));
                }
            }
        })
}

// Q4_0: four lanes share an 18-byte block; lane quarter q takes bytes 4q..4q+3, i.e. elements 4q..4q+3 (low
// nibbles) and 4q+16..4q+19 (high nibbles).
extern "C" __global__ void __launch_bounds__(MATMUL_WARPS * WARP) matmul_q4_0(const unsigned char *w, const float *x, float *out, int rows, int cols, int n) {
    MATMUL_BODY(
        int blocks = cols / 32;
        const unsigned char *wr = w + (long long) r * blocks * 18;
        int quarter = lane & 3;
        for (int blk = lane >> 2; blk < blocks; blk += WARP / 4) {
            const unsigned short *block = (const unsigned short *) (wr + blk * 18); // 2-byte aligned
            float scale = f16_bits(__ldg(block));
            unsigned int packed = (unsigned int) __ldg(block + 1 + quarter * 2)
                    | ((unsigned int) __ldg(block + 2 + quarter * 2) << 16);
            float q[8];
            _Pragma("unroll") for (int k = 0; k < 4; k++) {
                unsigned int byte = (packed >> (8 * k)) & 0xff;
                q[k] = (float) ((int) (byte & 0x0f) - 8) * scale;
                q[4 + k] = (float) ((int) (byte >> 4) - 8) * scale;
            }
            float4 lo = make_float4(q[0], q[1], q[2], q[3]);
            float4 hi = make_float4(q[4], q[5], q[6], q[7]);
            int c = blk * 32 + quarter * 4;
            _Pragma("unroll") for (int b = 0; b < MATMUL_ROWS; b++) {
                if (b < nb) {
                    const float *xr = xs + (long long) b * cols + c;
                    acc[b] += dot4(lo, __ldg((const float4 *) xr)) + dot4(hi, __ldg((const float4 *) (xr + 16)));
                }
            }
        })
}

// out[i, :] = table[tokens[i], :] decoded to float; grid (ceil(cols / blockDim.x), n).
extern "C" __global__ void embed(const unsigned char *table, int type, const int *tokens, float *out, int cols) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= cols) return;
    int i = blockIdx.y;
    out[(long long) i * cols + c] = decode_element(type, table, (long long) tokens[i] * cols + c);
}
