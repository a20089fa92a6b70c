// Token choice on the device, so that only token ids and the probabilities a caller needs cross to the host:
// greedy argmax, inverse-CDF sampling from softmax(logits / T), and gathering chosen entries of a row.
#include "common.cuh"

#define SAMPLE_THREADS 1024 // keep in sync with CudaKernels.java

// tokens[i] = the first index of the largest entry of row i (NaN entries never win); -1 when no entry is
// larger than -infinity. One block per row.
extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) argmax(const float *logits, int cols, int *tokens) {
    __shared__ float bestValue[WARP];
    __shared__ int bestIndex[WARP];
    const float *row = logits + (long long) blockIdx.x * cols;
    float v = -INFINITY;
    int index = -1;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        if (row[j] > v) {
            v = row[j];
            index = j;
        }
    }
    // Ties go to the lower index, as a sequential scan with a strict comparison does.
    for (int offset = WARP / 2; offset > 0; offset >>= 1) {
        float ov = __shfl_xor_sync(FULL_MASK, v, offset);
        int oi = __shfl_xor_sync(FULL_MASK, index, offset);
        if (oi >= 0 && (index < 0 || ov > v || (ov == v && oi < index))) {
            v = ov;
            index = oi;
        }
    }
    int lane = threadIdx.x % WARP;
    int warp = threadIdx.x / WARP;
    if (lane == 0) {
        bestValue[warp] = v;
        bestIndex[warp] = index;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < blockDim.x / WARP; w++) {
            if (bestIndex[w] >= 0 && (index < 0 || bestValue[w] > v || (bestValue[w] == v && bestIndex[w] < index))) {
                v = bestValue[w];
                index = bestIndex[w];
            }
        }
        tokens[blockIdx.x] = index;
    }
}

// Samples row blockIdx.x of softmax(logits * invTemperature) with uniforms[blockIdx.x] in [0, 1): the token is
// the first whose cumulative probability exceeds u. Writes the token and its probability. Needs exactly
// SAMPLE_THREADS threads; each takes a contiguous chunk of the row so that the chunk sums scan in order.
extern "C" __global__ void __launch_bounds__(SAMPLE_THREADS) sample(const float *logits, int cols, float invTemperature, const float *uniforms,
                                  int *tokens, float *probabilities) {
    __shared__ float scratch[WARP];
    __shared__ float prefix[SAMPLE_THREADS];
    __shared__ int chosen;
    const float *row = logits + (long long) blockIdx.x * cols;
    int chunk = (cols + SAMPLE_THREADS - 1) / SAMPLE_THREADS;
    int from = min(cols, threadIdx.x * chunk);
    int to = min(cols, from + chunk);
    float max = -INFINITY;
    for (int j = from; j < to; j++) max = fmaxf(max, row[j]);
    max = block_max(max, scratch);
    float own = 0.0f;
    int lastPositive = -1;
    for (int j = from; j < to; j++) {
        float e = expf((row[j] - max) * invTemperature);
        own += e;
        if (e > 0.0f) lastPositive = j;
    }
    prefix[threadIdx.x] = own;
    if (threadIdx.x == 0) chosen = -1;
    __syncthreads();
    // Inclusive scan of the chunk sums (Hillis-Steele; 10 steps for 1024 threads).
    for (int offset = 1; offset < SAMPLE_THREADS; offset <<= 1) {
        float add = threadIdx.x >= offset ? prefix[threadIdx.x - offset] : 0.0f;
        __syncthreads();
        prefix[threadIdx.x] += add;
        __syncthreads();
    }
    float total = prefix[SAMPLE_THREADS - 1];
    float target = uniforms[blockIdx.x] * total;
    float before = prefix[threadIdx.x] - own;
    if (own > 0.0f && before <= target && target < prefix[threadIdx.x]) {
        float running = before;
        int pick = lastPositive; // rounding may leave the target past the last partial sum of this chunk
        for (int j = from; j < to; j++) {
            running += expf((row[j] - max) * invTemperature);
            if (running > target) {
                pick = j;
                break;
            }
        }
        chosen = pick;
    }
    __syncthreads();
    // A target at or past the total (rounding) goes to the last token of nonzero probability.
    if (chosen < 0 && own > 0.0f && (threadIdx.x == SAMPLE_THREADS - 1 || prefix[threadIdx.x] == total)
            && before < total) {
        chosen = lastPositive;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        tokens[blockIdx.x] = chosen;
        probabilities[blockIdx.x] = chosen >= 0 ? expf((row[chosen] - max) * invTemperature) / total : 0.0f;
    }
}

// out[i] = x[i, index[i]] for the first n rows.
extern "C" __global__ void gather(const float *x, int cols, const int *index, float *out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = x[(long long) i * cols + index[i]];
}
