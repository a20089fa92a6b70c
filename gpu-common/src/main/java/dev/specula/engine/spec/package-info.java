/**
 * Speculative decoding over two models in one process ({@link dev.specula.engine.spec.SpeculativeDecoder}):
 * drafting a block with the draft model and verifying it with {@link dev.specula.engine.sample.RejectionSampler}.
 */
package dev.specula.engine.spec;
