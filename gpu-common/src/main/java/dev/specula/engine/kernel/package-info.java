/**
 * The kernel interface the forward pass runs on, free of where the memory lives, and the choice of backend.
 */
package dev.specula.engine.kernel;
