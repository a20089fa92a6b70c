package dev.specula.train.optim;

import dev.specula.train.model.Parameter;
import dev.specula.train.model.ParameterSet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019). Decay applies to matrices only, not to norm
 * gains. The moments are part of a checkpoint, so a resumed run continues exactly.
 *
 * @see <a href="https://arxiv.org/abs/1711.05101">Decoupled Weight Decay Regularization</a>
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Map<String, float[]> firstMoments = new LinkedHashMap<>();
    private final Map<String, float[]> secondMoments = new LinkedHashMap<>();
    private int steps;

    public AdamW(ParameterSet parameters, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0 && weightDecay >= 0)) {
            throw new IllegalArgumentException("beta1: " + beta1 + ", beta2: " + beta2 + ", epsilon: " + epsilon
                    + ", weightDecay: " + weightDecay + " (expected: betas in [0, 1), epsilon > 0, weightDecay >= 0)");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (Parameter p : parameters.all()) {
            firstMoments.put(p.name(), new float[p.size()]);
            secondMoments.put(p.name(), new float[p.size()]);
        }
    }

    /** The usual settings for small language models: betas 0.9 and 0.95, epsilon 1e-8. */
    public static AdamW standard(ParameterSet parameters, double weightDecay) {
        return new AdamW(parameters, 0.9, 0.95, 1e-8, weightDecay);
    }

    /** Updates every parameter from its gradient with learning rate {@code rate}. */
    public void step(List<Parameter> parameters, double rate) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        for (Parameter p : parameters) {
            float[] m = firstMoments.get(p.name());
            float[] v = secondMoments.get(p.name());
            float[] w = p.value();
            float[] g = p.grad();
            double decay = p.dims().length == 2 ? rate * weightDecay : 0;
            for (int i = 0; i < w.length; i++) {
                m[i] = (float) (beta1 * m[i] + (1 - beta1) * g[i]);
                v[i] = (float) (beta2 * v[i] + (1 - beta2) * g[i] * g[i]);
                double update = (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + epsilon);
                w[i] = (float) (w[i] - rate * update - decay * w[i]);
            }
        }
    }

    /** Updates taken so far. */
    public int steps() {
        return steps;
    }

    /** The first moment of parameter {@code name}, for checkpoints. */
    public float[] firstMoment(String name) {
        return firstMoments.get(name);
    }

    /** The second moment of parameter {@code name}, for checkpoints. */
    public float[] secondMoment(String name) {
        return secondMoments.get(name);
    }

    /** Sets the update count, when a checkpoint's moments have been loaded back. */
    public void restoreSteps(int steps) {
        this.steps = steps;
    }
}
