/**
 * The CUDA backend: kernels in CUDA C (src/main/cuda), shipped as PTX and launched through JCuda's driver API,
 * with weights and KV caches in device memory.
 */
package dev.specula.engine.kernel.cuda;
