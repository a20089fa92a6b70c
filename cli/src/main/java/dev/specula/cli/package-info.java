/** The {@code specula} command line (picocli): serve, client, demo, generate, bench, random-model, train and the alignment report. */
package dev.specula.cli;
