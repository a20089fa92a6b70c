/** Llama-family transformers: configuration, weights on a backend, KV cache and the batched forward pass. */
package dev.specula.engine.model;
