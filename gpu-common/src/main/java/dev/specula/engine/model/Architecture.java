package dev.specula.engine.model;

import dev.specula.engine.kernel.RopeStyle;

import java.util.Arrays;
import java.util.List;

/**
 * The GGUF architectures the engine runs ({@code general.architecture}) and how each departs from Llama's
 * block: which pairs RoPE rotates, and which tensors a block holds in real files (llama.cpp's names).
 */
public enum Architecture {
    /** Llama 1-3 (Llama 3.x adds {@code rope_freqs.weight}, see {@link RopeScaling}). */
    LLAMA("llama", RopeStyle.INTERLEAVED, false, false, false),
    /** Mistral: Llama's block. */
    MISTRAL("mistral", RopeStyle.INTERLEAVED, false, false, false),
    /** Qwen2 / Qwen2.5: biases on Q, K and V ({@code attn_q.bias}, ...). */
    QWEN2("qwen2", RopeStyle.NEOX, true, false, false),
    /** Qwen3: RMSNorm of every query and key head ({@code attn_q_norm.weight}, {@code attn_k_norm.weight}), no biases. */
    QWEN3("qwen3", RopeStyle.NEOX, false, true, false),
    /** Phi-3: fused {@code attn_qkv.weight} and {@code ffn_up.weight} (gate rows, then up rows). */
    PHI3("phi3", RopeStyle.NEOX, false, false, true);

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final boolean biases;
    private final boolean headNorms;
    private final boolean fusedProjections;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean biases, boolean headNorms, boolean fusedProjections) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.biases = biases;
        this.headNorms = headNorms;
        this.fusedProjections = fusedProjections;
    }

    /** The architecture named {@code name} in {@code general.architecture}. */
    public static Architecture of(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("architecture " + name + " (expected: one of " + names() + ")");
    }

    /** The names of every supported architecture, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Architecture::ggufName).toList();
    }

    /** The value of {@code general.architecture}, also the prefix of its metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    /** Which elements of a head RoPE pairs up (llama.cpp's converter permutes Llama's Q and K for interleaved). */
    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    /** Whether real files carry Q, K and V biases (the engine applies them wherever a file has them). */
    public boolean biases() {
        return biases;
    }

    /** Whether every block normalises each query and key head before RoPE. */
    public boolean headNorms() {
        return headNorms;
    }

    /** Whether Q, K, V are one {@code attn_qkv} matrix and gate, up one {@code ffn_up} matrix. */
    public boolean fusedProjections() {
        return fusedProjections;
    }
}
