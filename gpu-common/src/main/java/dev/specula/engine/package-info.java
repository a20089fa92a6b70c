/** The inference engine that drafters and verifiers run: model loading, forward pass and KV cache. */
package dev.specula.engine;
