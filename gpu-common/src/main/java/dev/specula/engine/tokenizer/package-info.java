/**
 * Text ↔ token ids as llama.cpp gives them: SentencePiece-style BPE by scores with byte fallback (Llama 2,
 * Mistral, Phi-3, llama2.c) and byte-level BPE by merge ranks with the pre-tokenizers of GPT-2, Llama 3 and
 * Qwen 2 ({@link dev.specula.engine.tokenizer.PreTokenizer}), special tokens written in the text, loaded
 * from llama2.c {@code tokenizer.bin} files or GGUF metadata and exported back to the GGUF keys llama.cpp
 * reads; and the vocabulary digests drafter and verifier compare.
 */
package dev.specula.engine.tokenizer;
