/** CPU backends: the scalar oracle and the Vector API backend that uses every core. */
package dev.specula.engine.kernel.cpu;
