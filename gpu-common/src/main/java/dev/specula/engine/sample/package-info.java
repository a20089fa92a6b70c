/**
 * Sampling and the lossless acceptance rule: logits processing ({@link dev.specula.engine.sample.Sampler}), the
 * exact draft distribution sent over the wire ({@link dev.specula.engine.sample.SparseDistribution}) and the
 * rejection sampler that verifies a drafted block against the target's logits
 * ({@link dev.specula.engine.sample.RejectionSampler}). Vocabulary follows vLLM: a draft token is
 * <em>accepted</em>; the token sampled after the first rejection is <em>recovered</em>; the token sampled after a
 * fully accepted block is the <em>bonus</em>.
 */
package dev.specula.engine.sample;
