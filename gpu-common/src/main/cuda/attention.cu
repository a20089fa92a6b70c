// Causal attention of n new query rows against a KV cache that already holds their keys and values: row i
// (position startPos + i) attends to positions 0..startPos + i. One block per (head, row); each warp runs an
// online softmax over every ATT_WARPS-th position, then the warps' partial results are merged. No score
// buffer is needed, so any context length works.
#include "common.cuh"

#define ATT_WARPS 8      // keep in sync with CudaKernels.java
#define MAX_HEAD_SIZE 256
#define PER_LANE (MAX_HEAD_SIZE / WARP)

// q, out: [n, heads * headSize]; keys, values: [maxPositions, kvHeads * headSize]; grid (heads, n).
extern "C" __global__ void __launch_bounds__(ATT_WARPS * WARP) attention(const float *q, const float *keys, const float *values, float *out,
                                     int startPos, int heads, int kvHeads, int headSize) {
    __shared__ float part_max[ATT_WARPS];
    __shared__ float part_sum[ATT_WARPS];
    __shared__ float part_acc[ATT_WARPS][MAX_HEAD_SIZE];
    int head = blockIdx.x;
    int i = blockIdx.y;
    int warp = threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    int dim = heads * headSize;
    int kvDim = kvHeads * headSize;
    int kvOff = (head / (heads / kvHeads)) * headSize;
    int positions = startPos + i + 1;
    float scale = 1.0f / sqrtf((float) headSize);

    const float *qr = q + (long long) i * dim + (long long) head * headSize;
    float qv[PER_LANE];
    float acc[PER_LANE];
#pragma unroll
    for (int k = 0; k < PER_LANE; k++) {
        int d = lane + k * WARP;
        qv[k] = d < headSize ? qr[d] : 0.0f;
        acc[k] = 0.0f;
    }
    float m = -INFINITY;
    float l = 0.0f;
    for (int t = warp; t < positions; t += ATT_WARPS) {
        const float *kr = keys + (long long) t * kvDim + kvOff;
        float s = 0.0f;
#pragma unroll
        for (int k = 0; k < PER_LANE; k++) {
            int d = lane + k * WARP;
            if (d < headSize) s += qv[k] * kr[d];
        }
        s = warp_sum(s) * scale;
        float mNew = fmaxf(m, s);
        float correction = expf(m - mNew);
        float p = expf(s - mNew);
        l = l * correction + p;
        const float *vr = values + (long long) t * kvDim + kvOff;
#pragma unroll
        for (int k = 0; k < PER_LANE; k++) {
            int d = lane + k * WARP;
            acc[k] = acc[k] * correction + (d < headSize ? p * vr[d] : 0.0f);
        }
        m = mNew;
    }
    if (lane == 0) {
        part_max[warp] = m;
        part_sum[warp] = l;
    }
#pragma unroll
    for (int k = 0; k < PER_LANE; k++) {
        int d = lane + k * WARP;
        if (d < headSize) part_acc[warp][d] = acc[k];
    }
    __syncthreads();
    float total = 0.0f;
    float globalMax = -INFINITY;
    for (int w = 0; w < ATT_WARPS; w++) globalMax = fmaxf(globalMax, part_max[w]);
    float weight[ATT_WARPS];
    for (int w = 0; w < ATT_WARPS; w++) {
        weight[w] = part_max[w] == -INFINITY ? 0.0f : expf(part_max[w] - globalMax);
        total += part_sum[w] * weight[w];
    }
    float *orow = out + (long long) i * dim + (long long) head * headSize;
    for (int d = threadIdx.x; d < headSize; d += blockDim.x) {
        float v = 0.0f;
        for (int w = 0; w < ATT_WARPS; w++) v += part_acc[w][d] * weight[w];
        orow[d] = v / total;
    }
}
