// Row-wise and element-wise kernels of the forward pass: RMSNorm, softmax, residual add, bias, SwiGLU, RoPE.
// All work on float32 [rows, cols] row-major buffers; "n" is the number of leading rows to process.
#include "common.cuh"

// out[i] = x[i] / rms(x[i]) * gamma, one block per row; x and out may be the same buffer.
extern "C" __global__ void rmsnorm(const float *x, const float *gamma, float eps, float *out, int cols) {
    __shared__ float scratch[WARP];
    const float *xr = x + (long long) blockIdx.x * cols;
    float *orow = out + (long long) blockIdx.x * cols;
    float ss = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        ss += xr[j] * xr[j];
    }
    ss = block_sum(ss, scratch);
    float scale = 1.0f / sqrtf(ss / cols + eps);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        orow[j] = gamma[j] * (scale * xr[j]);
    }
}

// In-place softmax of each row at temperature 1 / invTemperature, one block per row.
extern "C" __global__ void softmax(float *x, int cols, float invTemperature) {
    __shared__ float scratch[WARP];
    float *row = x + (long long) blockIdx.x * cols;
    float max = -INFINITY;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        max = fmaxf(max, row[j]);
    }
    max = block_max(max, scratch);
    float sum = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float e = expf((row[j] - max) * invTemperature);
        row[j] = e;
        sum += e;
    }
    sum = block_sum(sum, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        row[j] = row[j] / sum;
    }
}

// x[k] += delta[k] over count elements (the first n rows of both).
extern "C" __global__ void add(float *x, const float *delta, long long count) {
    long long k = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (k < count) x[k] += delta[k];
}

// x[k] += bias[k % cols] over count elements.
extern "C" __global__ void add_bias(float *x, const float *bias, int cols, long long count) {
    long long k = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (k < count) x[k] += bias[k % cols];
}

// gate[k] = silu(gate[k]) * up[k] over count elements.
extern "C" __global__ void swiglu(float *gate, const float *up, long long count) {
    long long k = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (k < count) {
        float v = gate[k];
        gate[k] = v / (1.0f + expf(-v)) * up[k];
    }
}

// Rotates pair j of every head of the first n rows; row i is at position startPos + i.
// cos, sin: [maxPositions, headSize / 2]. neox: pairs (j, j + half), else (2j, 2j + 1).
extern "C" __global__ void rope(float *x, int n, int cols, int headSize, int startPos, const float *cos,
                                const float *sin, int neox) {
    int half = headSize / 2;
    int heads = cols / headSize;
    long long k = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= (long long) n * heads * half) return;
    int j = (int) (k % half);
    int head = (int) ((k / half) % heads);
    int i = (int) (k / ((long long) half * heads));
    long long table = (long long) (startPos + i) * half + j;
    long long base = (long long) i * cols + (long long) head * headSize;
    long long a = neox ? base + j : base + 2 * j;
    long long z = neox ? a + half : a + 1;
    float c = cos[table];
    float s = sin[table];
    float v0 = x[a];
    float v1 = x[z];
    x[a] = v0 * c - v1 * s;
    x[z] = v0 * s + v1 * c;
}
