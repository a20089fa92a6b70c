package dev.specula.train.tokenizer;

import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.engine.tokenizer.Gpt2ByteLevel;
import dev.specula.engine.tokenizer.TokenType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Trains a GPT-2 byte-level BPE tokenizer: the text is split with GPT-2's pre-tokenizer, the distinct words
 * are counted, and starting from the 256 byte symbols the most frequent adjacent pair within words (weighted
 * by word frequency; ties to the pair whose left, then right, bytes sort first) is merged into a new token
 * until the vocabulary reaches {@link BpeTrainerConfig#vocabSize()}. The result is a {@link Gpt2BpeTokenizer}
 * whose merge ranks are the merge order, so the engine encodes as training segmented, any text encodes
 * (all 256 bytes are tokens), and {@code toGgufMetadata} exports it. Same text and config, same tokenizer.
 */
public final class BpeTrainer {

    private final BpeTrainerConfig config;

    /** A trainer for {@code config}. */
    public BpeTrainer(BpeTrainerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The tokenizer learned from {@code texts} (each split into words on its own). */
    public Gpt2BpeTokenizer train(Iterable<String> texts) {
        return trainWithDetails(texts).tokenizer();
    }

    /** The tokenizer learned from {@code texts}; the stream is consumed. */
    public Gpt2BpeTokenizer train(Stream<String> texts) {
        return train(texts::iterator);
    }

    /** Like {@link #train(Iterable)}, with the words, their final segmentation and the time taken. */
    public BpeTrainingResult trainWithDetails(Iterable<String> texts) {
        long start = System.nanoTime();
        Map<String, long[]> counts = new HashMap<>();
        long[] total = {0};
        for (String text : texts) {
            for (String word : Gpt2BpeTokenizer.preTokenize(text)) {
                counts.computeIfAbsent(word, w -> new long[1])[0]++;
                total[0]++;
            }
        }
        // Sorted so that word indices, and with them everything downstream, do not depend on hashing.
        List<String> distinct = new ArrayList<>(counts.keySet());
        distinct.sort(null);
        List<byte[]> wordBytes = new ArrayList<>(distinct.size());
        long[] frequencies = new long[distinct.size()];
        for (int w = 0; w < distinct.size(); w++) {
            wordBytes.add(distinct.get(w).getBytes(StandardCharsets.UTF_8));
            frequencies[w] = counts.get(distinct.get(w))[0];
        }
        long counted = System.nanoTime();

        List<String> specials = config.specialPieces();
        Set<String> taken = new HashSet<>(specials);
        PairMerger merger = new PairMerger(wordBytes, frequencies, taken);
        merger.run(config.vocabSize() - specials.size() - BpeTrainerConfig.BYTE_TOKENS, config.minFrequency());
        Gpt2BpeTokenizer tokenizer = tokenizer(merger);

        Map<String, int[]> segmentations = HashMap.newHashMap(distinct.size());
        int offset = config.firstByteId();
        for (int w = 0; w < distinct.size(); w++) {
            int[] symbols = merger.symbols(w);
            for (int i = 0; i < symbols.length; i++) {
                symbols[i] += offset;
            }
            segmentations.put(distinct.get(w), symbols);
        }
        long merged = System.nanoTime();
        return new BpeTrainingResult(tokenizer, segmentations, total[0], Duration.ofNanos(counted - start),
                Duration.ofNanos(merged - counted));
    }

    private Gpt2BpeTokenizer tokenizer(PairMerger merger) {
        List<String> specials = config.specialPieces();
        List<int[]> merges = merger.merges();
        List<String> tokens = new ArrayList<>(specials);
        for (int symbol = 0; symbol < BpeTrainerConfig.BYTE_TOKENS + merges.size(); symbol++) {
            tokens.add(Gpt2ByteLevel.encode(merger.bytes(symbol)));
        }
        List<String> mergeRules = new ArrayList<>(merges.size());
        for (int[] merge : merges) {
            mergeRules.add(Gpt2ByteLevel.encode(merger.bytes(merge[0])) + " "
                    + Gpt2ByteLevel.encode(merger.bytes(merge[1])));
        }
        TokenType[] types = new TokenType[tokens.size()];
        Arrays.fill(types, TokenType.NORMAL);
        for (int i = 0; i < specials.size(); i++) {
            types[i] = TokenType.CONTROL;
        }
        if (config.unknownToken()) {
            types[config.unknownId()] = TokenType.UNKNOWN;
        }
        return new Gpt2BpeTokenizer(tokens, mergeRules, types, config.bosId(), config.eosId(), config.unknownId());
    }
}
