/** {@code ./specula train ...}: the tokenizer, pretraining and distillation commands. */
package dev.specula.cli.train;
