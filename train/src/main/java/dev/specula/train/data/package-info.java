/**
 * The training corpus for Specula's own models: the Debian Installation Guide and Debian Reference from
 * {@code ../shared/corpus}, read into whole documents per language and split into train and held-out sets
 * by whole documents, the same documents in every language.
 */
package dev.specula.train.data;
