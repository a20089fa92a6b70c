package dev.specula.engine.kernel;

/** Which elements of a head RoPE rotates together. */
public enum RopeStyle {
    /** Pairs {@code (2j, 2j + 1)}: llama2.c and GGUF {@code llama}, whose converters permute Q and K for it. */
    INTERLEAVED,
    /** Pairs {@code (j, j + headSize / 2)}: GPT-NeoX style, used by GGUF {@code qwen2}. */
    NEOX
}
