/**
 * Sampling and the lossless speculative acceptance rule: logits processing ({@link dev.specula.engine.spec.Sampler}),
 * the exact draft distribution sent over the wire ({@link dev.specula.engine.spec.SparseDistribution}) and the
 * rejection sampler that verifies a drafted block against the target model
 * ({@link dev.specula.engine.spec.RejectionSampler}). Vocabulary follows vLLM: a draft token is <em>accepted</em>;
 * the token sampled after the first rejection is <em>recovered</em>; the token sampled after a fully accepted
 * block is the <em>bonus</em>.
 */
package dev.specula.engine.spec;
