/**
 * The alignment report: how well each drafter of the model family predicts the target on held-out text
 * (acceptance, mean accepted length, perplexity, speedup), as a Markdown page with plots.
 */
package dev.specula.cli.alignment;
