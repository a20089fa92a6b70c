/** The {@code specula} command line (picocli): generation, benchmarks and model tools. */
package dev.specula.engine.cli;
