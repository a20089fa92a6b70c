/** Plain autoregressive generation on one model: the target-only baseline every speculative path must equal. */
package dev.specula.engine.generate;
