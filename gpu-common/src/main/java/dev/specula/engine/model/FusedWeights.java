package dev.specula.engine.model;

import dev.specula.engine.tensor.WeightTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a fused matrix of a model file into the matrices the forward pass multiplies by, as views of the
 * same bytes: Phi-3's {@code attn_qkv.weight} {@code [queryDim + 2 * kvDim, dim]} into Q, K and V, and its
 * {@code ffn_up.weight} {@code [2 * hiddenDim, dim]} into gate and up. Rows are stored one after another,
 * each a whole number of quantization blocks, so a run of rows is a contiguous slice.
 */
final class FusedWeights {

    private FusedWeights() {
    }

    /**
     * The consecutive row ranges of {@code fused} of the given sizes, named {@code names}.
     *
     * @param fused a matrix {@code [sum of rows, cols]}
     */
    static List<WeightTensor> splitRows(WeightTensor fused, List<String> names, int... rows) {
        if (fused.dims().length != 2 || Arrays.stream(rows).sum() != fused.rows() || names.size() != rows.length) {
            throw new IllegalArgumentException("tensor " + fused.name() + " " + Arrays.toString(fused.dims())
                    + ": cannot split into rows " + Arrays.toString(rows) + " (expected: a matrix of "
                    + Arrays.stream(rows).sum() + " rows)");
        }
        long rowBytes = fused.type().bytesFor(fused.cols());
        List<WeightTensor> parts = new ArrayList<>(rows.length);
        long offset = 0;
        for (int i = 0; i < rows.length; i++) {
            long bytes = rowBytes * rows[i];
            parts.add(new WeightTensor(names.get(i), fused.type(), new long[] {fused.cols(), rows[i]},
                    fused.data().asSlice(offset, bytes)));
            offset += bytes;
        }
        return parts;
    }
}
