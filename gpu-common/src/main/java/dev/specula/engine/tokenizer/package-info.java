/**
 * Text ↔ token ids: SentencePiece-style BPE by scores with byte fallback (Llama 2, llama2.c) and GPT-2
 * byte-level BPE by merge ranks, loaded from llama2.c {@code tokenizer.bin} files or GGUF metadata and
 * exported back to the GGUF keys llama.cpp reads.
 */
package dev.specula.engine.tokenizer;
