/** How many tokens to draft per block, chosen from measured acceptance and timings. */
package dev.specula.verifier.draftlength;
