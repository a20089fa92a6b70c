/** Sharing one model between concurrent sessions: their forward requests run together in batched passes. */
package dev.specula.engine.batch;
