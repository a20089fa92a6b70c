/** Training losses as pure functions on row-major logits, each returning the mean loss and writing its gradient. */
package dev.specula.train.loss;
