package dev.specula.train.tokenizer;

import java.util.List;

/**
 * What {@link BpeTrainer} learns: the vocabulary starts with the special tokens ({@code <unk>} when asked
 * for, then {@code <s>} and {@code </s>}), then the 256 byte pieces in byte order, then one token per merge
 * in merge order.
 *
 * @param vocabSize    the vocabulary size to reach, special and byte tokens included; training stops earlier
 *                     (a smaller vocabulary) when no pair occurs at least {@code minFrequency} times
 * @param minFrequency the fewest occurrences (weighted by word frequency) a pair needs to be merged
 * @param unknownToken whether to reserve id 0 for {@code <unk>}; the byte pieces already encode any text, so
 *                     it exists only for model formats that expect one
 */
public record BpeTrainerConfig(int vocabSize, int minFrequency, boolean unknownToken) {

    /** The unknown token's piece. */
    public static final String UNKNOWN = "<unk>";
    /** The beginning-of-sequence token's piece. */
    public static final String BOS = "<s>";
    /** The end-of-sequence token's piece. */
    public static final String EOS = "</s>";
    /** The byte pieces every vocabulary holds. */
    public static final int BYTE_TOKENS = 256;

    public BpeTrainerConfig {
        int least = (unknownToken ? 3 : 2) + BYTE_TOKENS;
        if (vocabSize < least) {
            throw new IllegalArgumentException("vocabSize: " + vocabSize + " (expected: >= " + least
                    + ", the special tokens and the 256 byte pieces)");
        }
        if (minFrequency < 1) {
            throw new IllegalArgumentException("minFrequency: " + minFrequency + " (expected: >= 1)");
        }
    }

    /** A builder with vocabSize 4096, minFrequency 2 and no unknown token. */
    public static Builder builder() {
        return new Builder();
    }

    /** The special pieces in id order: {@code [<unk>,] <s>, </s>}. */
    public List<String> specialPieces() {
        return unknownToken ? List.of(UNKNOWN, BOS, EOS) : List.of(BOS, EOS);
    }

    /** The id of {@code <unk>}, or -1 without one. */
    public int unknownId() {
        return unknownToken ? 0 : -1;
    }

    /** The id of {@code <s>}. */
    public int bosId() {
        return unknownToken ? 1 : 0;
    }

    /** The id of {@code </s>}. */
    public int eosId() {
        return bosId() + 1;
    }

    /** The id of the piece for byte 0; byte {@code b} is {@code firstByteId() + b}. */
    public int firstByteId() {
        return specialPieces().size();
    }

    /** Builds a {@link BpeTrainerConfig}; every setter has a default (see {@link #builder()}). */
    public static final class Builder {
        private int vocabSize = 4096;
        private int minFrequency = 2;
        private boolean unknownToken;

        private Builder() {
        }

        /** See {@link BpeTrainerConfig#vocabSize()}. */
        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /** See {@link BpeTrainerConfig#minFrequency()}. */
        public Builder minFrequency(int minFrequency) {
            this.minFrequency = minFrequency;
            return this;
        }

        /** See {@link BpeTrainerConfig#unknownToken()}. */
        public Builder unknownToken(boolean unknownToken) {
            this.unknownToken = unknownToken;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException when a value is out of range
         */
        public BpeTrainerConfig build() {
            return new BpeTrainerConfig(vocabSize, minFrequency, unknownToken);
        }
    }
}
