package dev.specula.engine.model;

import dev.specula.engine.kernel.DeviceWeight;

/**
 * The weights of one transformer block, loaded on a backend. Matrices are {@code [out, in]}.
 *
 * @param attentionNorm {@code [dim]}
 * @param query         {@code [heads * headSize, dim]}
 * @param key           {@code [kvHeads * headSize, dim]}
 * @param value         {@code [kvHeads * headSize, dim]}
 * @param output        {@code [dim, heads * headSize]}
 * @param queryBias     {@code [heads * headSize]} or null (qwen2 has Q/K/V biases)
 * @param keyBias       {@code [kvHeads * headSize]} or null
 * @param valueBias     {@code [kvHeads * headSize]} or null
 * @param queryNorm     {@code [headSize]}, the gain of every query head's RMSNorm, or null (qwen3 has them)
 * @param keyNorm       {@code [headSize]}, the gain of every key head's RMSNorm, or null
 * @param ffnNorm       {@code [dim]}
 * @param gate          {@code [hiddenDim, dim]} (w1)
 * @param up            {@code [hiddenDim, dim]} (w3)
 * @param down          {@code [dim, hiddenDim]} (w2)
 */
public record LayerWeights(DeviceWeight attentionNorm, DeviceWeight query, DeviceWeight key, DeviceWeight value,
                           DeviceWeight output, DeviceWeight queryBias, DeviceWeight keyBias, DeviceWeight valueBias,
                           DeviceWeight queryNorm, DeviceWeight keyNorm, DeviceWeight ffnNorm, DeviceWeight gate, DeviceWeight up, DeviceWeight down) {
}
