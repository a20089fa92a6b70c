package dev.specula.train.model;

import dev.specula.engine.model.LlamaConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Every trainable tensor of a Llama model with a classifier tied to the token embedding, named as in GGUF and
 * in a fixed order (the order checkpoints and the optimizer use).
 */
public final class ParameterSet {

    private final LlamaConfig config;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    /** Zero-valued parameters with {@code config}'s shapes. */
    public ParameterSet(LlamaConfig config) {
        this.config = config;
        int dim = config.dim();
        add(Parameter.zeros("token_embd.weight", dim, config.vocabSize()));
        for (int l = 0; l < config.layers(); l++) {
            String p = "blk." + l + ".";
            add(Parameter.zeros(p + "attn_norm.weight", dim));
            add(Parameter.zeros(p + "attn_q.weight", dim, config.queryDim()));
            add(Parameter.zeros(p + "attn_k.weight", dim, config.kvDim()));
            add(Parameter.zeros(p + "attn_v.weight", dim, config.kvDim()));
            add(Parameter.zeros(p + "attn_output.weight", config.queryDim(), dim));
            add(Parameter.zeros(p + "ffn_norm.weight", dim));
            add(Parameter.zeros(p + "ffn_gate.weight", dim, config.hiddenDim()));
            add(Parameter.zeros(p + "ffn_up.weight", dim, config.hiddenDim()));
            add(Parameter.zeros(p + "ffn_down.weight", config.hiddenDim(), dim));
        }
        add(Parameter.zeros("output_norm.weight", dim));
    }

    /**
     * GPT-2's initialisation, seeded: matrices from N(0, 0.02²), the two projections that feed the residual
     * stream ({@code attn_output}, {@code ffn_down}) scaled down by √(2·layers) so the stream's variance does not
     * grow with depth, and norm gains at 1.
     */
    public static ParameterSet initialized(LlamaConfig config, long seed) {
        ParameterSet set = new ParameterSet(config);
        SplittableRandom random = new SplittableRandom(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.layers());
        for (Parameter p : set.all()) {
            if (p.dims().length == 1) {
                Arrays.fill(p.value(), 1f);
                continue;
            }
            double std = p.name().endsWith("attn_output.weight") || p.name().endsWith("ffn_down.weight")
                    ? residualStd : 0.02;
            float[] v = p.value();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
        }
        return set;
    }

    private void add(Parameter p) {
        byName.put(p.name(), p);
    }

    public LlamaConfig config() {
        return config;
    }

    /** The parameter named {@code name}. */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("parameter: " + name + " (expected: one of " + byName.keySet() + ")");
        }
        return p;
    }

    /** The parameter named {@code name}, if the model has one. */
    public Optional<Parameter> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** All parameters in their fixed order. */
    public List<Parameter> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    /** Number of trainable values. */
    public long count() {
        return byName.values().stream().mapToLong(Parameter::size).sum();
    }

    /** Sets every gradient to zero, before a step's backward passes accumulate into them. */
    public void zeroGradients() {
        for (Parameter p : byName.values()) {
            Arrays.fill(p.grad(), 0f);
        }
    }

    /** The gradient's global L2 norm, summed in double in the fixed order. */
    public double gradientNorm() {
        double sum = 0;
        for (Parameter p : byName.values()) {
            for (float g : p.grad()) {
                sum += (double) g * g;
            }
        }
        return Math.sqrt(sum);
    }

    /** Multiplies every gradient by {@code factor} (gradient clipping, averaging over micro-batches). */
    public void scaleGradients(float factor) {
        for (Parameter p : byName.values()) {
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) {
                g[i] *= factor;
            }
        }
    }

    /** Copies every value from {@code other}, which must have the same configuration. */
    public void copyValuesFrom(ParameterSet other) {
        if (!other.config.equals(config)) {
            throw new IllegalArgumentException("other: " + other.config + " (expected: " + config + ")");
        }
        for (Parameter p : byName.values()) {
            System.arraycopy(other.get(p.name()).value(), 0, p.value(), 0, p.size());
        }
    }
}
