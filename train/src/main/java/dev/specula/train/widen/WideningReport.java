package dev.specula.train.widen;

/**
 * What a widening wrote.
 *
 * @param factor           the replication factor m
 * @param parametersBefore parameters of the source model (its classifier counted once when tied)
 * @param parametersAfter  parameters of the widened model (untied classifier included)
 * @param bytesAfter       bytes of the widened model's tensor data
 * @param weightsInexact   stored weights of the widened model that differ from the exact widening of the source's
 *                         stored weights (tiled copies, the embedding times m, the norm gains divided by m), after
 *                         re-quantizing in the source's types: 0 with m a power of two unless an f16 scale overflows
 */
public record WideningReport(int factor, long parametersBefore, long parametersAfter, long bytesAfter,
                             long weightsInexact) {
}
