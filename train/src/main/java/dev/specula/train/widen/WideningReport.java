package dev.specula.train.widen;

/**
 * What a widening wrote.
 *
 * @param factor           the replication factor m
 * @param parametersBefore parameters of the source model (its classifier counted once when tied)
 * @param parametersAfter  parameters of the widened model (untied classifier included)
 * @param bytesAfter       bytes of the widened model's tensor data
 * @param weightsInexact   stored weights of the widened model that differ from the exact widening of the source's
 *                         stored weights (copies, scaled by 1/m where a replicated input is consumed): quantization
 *                         can only round where a scale divided by m leaves the type's exact range
 */
public record WideningReport(int factor, long parametersBefore, long parametersAfter, long bytesAfter,
                             long weightsInexact) {
}
