/** Training Specula's own models in Java: tokenizer, target and drafters, on the corpora in {@code ../shared}. */
package dev.specula.train;
