/**
 * Learns a GPT-2 byte-level BPE vocabulary from text: pre-token counts, then the most frequent adjacent pair
 * merged again and again, giving a {@link dev.specula.engine.tokenizer.Gpt2BpeTokenizer} the engine encodes with.
 */
package dev.specula.train.tokenizer;
