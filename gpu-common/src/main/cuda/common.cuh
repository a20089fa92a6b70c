// Shared helpers of the Specula CUDA kernels: element decoding of every GgmlType and warp/block reductions.
// Activations are always float32 [rows, cols] row-major; weights stay in their stored type and are decoded
// on the fly. Block layouts (see GgmlType.java): Q8_0 = f16 scale + 32 int8 (34 bytes); Q4_0 = f16 scale +
// 16 bytes, element j in the low nibble of byte j and element j + 16 in its high nibble, (nibble - 8) * scale.
#pragma once
#include <cuda_fp16.h>
#include <math.h>

#define WARP 32
#define FULL_MASK 0xffffffffu

// Type codes passed by the host; the same numbering as CudaType.java.
#define T_F32 0
#define T_F16 1
#define T_BF16 2
#define T_Q8_0 3
#define T_Q4_0 4

__device__ __forceinline__ float f16_bits(unsigned short bits) {
    return __half2float(__ushort_as_half(bits));
}

__device__ __forceinline__ float bf16_bits(unsigned short bits) {
    return __uint_as_float(((unsigned int) bits) << 16);
}

// Element i of a tensor of type t (any position, no alignment needs): embedding rows and the scalar paths.
__device__ __forceinline__ float decode_element(int t, const unsigned char *data, long long i) {
    switch (t) {
        case T_F32: return ((const float *) data)[i];
        case T_F16: return f16_bits(((const unsigned short *) data)[i]);
        case T_BF16: return bf16_bits(((const unsigned short *) data)[i]);
        case T_Q8_0: {
            const unsigned char *block = data + (i / 32) * 34;
            float scale = f16_bits(*(const unsigned short *) block);
            return (float) ((const signed char *) block)[2 + i % 32] * scale;
        }
        default: { // T_Q4_0
            const unsigned char *block = data + (i / 32) * 18;
            float scale = f16_bits(*(const unsigned short *) block);
            int j = (int) (i % 32);
            int packed = block[2 + (j & 15)];
            int nibble = j < 16 ? (packed & 0x0f) : (packed >> 4);
            return (float) (nibble - 8) * scale;
        }
    }
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int offset = WARP / 2; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(FULL_MASK, v, offset);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int offset = WARP / 2; offset > 0; offset >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(FULL_MASK, v, offset));
    }
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
__device__ __forceinline__ float block_sum(float v, float *scratch) {
    int lane = threadIdx.x % WARP;
    int warp = threadIdx.x / WARP;
    v = warp_sum(v);
    __syncthreads(); // scratch may still be read by a previous reduction
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    int warps = blockDim.x / WARP;
    v = lane < warps ? scratch[lane] : 0.0f;
    return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v, float *scratch) {
    int lane = threadIdx.x % WARP;
    int warp = threadIdx.x / WARP;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    int warps = blockDim.x / WARP;
    v = lane < warps ? scratch[lane] : -INFINITY;
    return warp_max(v);
}
