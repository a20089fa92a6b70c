package dev.specula.train.loop;

import dev.specula.train.kernel.Workers;
import dev.specula.train.loss.ForwardKlLoss;
import dev.specula.train.loss.TvdPlusPlusLoss;
import dev.specula.train.model.ForwardPass;
import dev.specula.train.model.TrainingTransformer;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Distillation of a drafter from a target on the same windows: the target's forward pass gives its
 * next-token distribution at every position, and the drafter is moved towards it with forward KL
 * (DistillSpec) or with TVD++ (Goel et al. 2024), the latter directly on the quantity that sets the
 * acceptance rate of speculative sampling, 1 − TVD.
 */
public final class DistillationObjective implements Objective {

    /** How the drafter's distribution is pulled towards the target's. */
    public enum Method {
        /** Forward KL, KL(p_target ‖ q_draft), on the full distributions. */
        KL,
        /** TVD++: the policy-gradient TVD estimator with batch-normalised rewards, tokens drawn from the draft. */
        TVD;

        /** The lower-case name used on the command line and in file names: {@code kl}, {@code tvd}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The method whose {@link #id()} is {@code id}. */
        public static Method fromId(String id) {
            for (Method m : values()) {
                if (m.id().equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("method: " + id + " (expected: kl or tvd)");
        }
    }

    private final TrainingTransformer teacher;
    private final Method method;
    private final int vocab;

    public DistillationObjective(TrainingTransformer teacher, Method method) {
        this.teacher = teacher;
        this.method = method;
        this.vocab = teacher.config().vocabSize();
    }

    @Override
    public double lossAndGradient(ForwardPass pass, int[] windows, int batch, int seqLen, float[] dLogits,
                                  SplittableRandom random, Workers workers) {
        if (pass.logits().length != dLogits.length || vocab * pass.rows() != dLogits.length) {
            throw new IllegalArgumentException("student vocabulary differs from the teacher's " + vocab);
        }
        float[] teacherLogits = teacher.forward(Objective.inputs(windows, batch, seqLen), batch, seqLen).logits();
        if (method == Method.KL) {
            return ForwardKlLoss.STANDARD.lossAndGradient(pass.logits(), teacherLogits, null, pass.rows(), vocab, dLogits,
                    workers);
        }
        TvdPlusPlusLoss.Result result = TvdPlusPlusLoss.TVD_PLUS_PLUS.sampleLossAndGradient(pass.logits(), teacherLogits,
                null, pass.rows(), vocab, random, dLogits, workers);
        // The surrogate's value says nothing about progress; the exact TVD does.
        return result.tvd();
    }

    @Override
    public String name() {
        return method == Method.KL ? "forward-kl" : "tvd++ (reported: exact tvd)";
    }
}
