package dev.specula.cli.alignment;

import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.spec.SpeculativeDecoder;
import dev.specula.engine.tokenizer.Tokenizer;
import dev.specula.engine.tokenizer.VocabularyFingerprint;
import dev.specula.train.data.Corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs the alignment report's measurements: per language, prompts cut once from the held-out text with the
 * target's tokenizer; every present drafter column's greedy and sampled acceptance on them; held-out perplexity
 * of the target and of each drafter; and the speed of the best drafter against the target alone.
 */
public final class AlignmentEvaluator {

    /** Longest perplexity window: long enough for context, short enough to keep {@code [n, vocab]} logits small. */
    static final int MAX_PERPLEXITY_WINDOW = 512;

    private final AlignmentOptions options;
    private final Consumer<String> progress;

    public AlignmentEvaluator(AlignmentOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** A model file and its weights on the backend. */
    private record Loaded(ModelFile file, Transformer model) implements AutoCloseable {
        @Override
        public void close() {
            file.close();
        }
    }

    /** Evaluates the family; {@code command} and {@code machine} are recorded in the report as given. */
    public AlignmentReport run(String command, String machine) throws IOException {
        ModelFamily family = new ModelFamily(options.models());
        Path targetPath = family.requireTarget();
        ZonedDateTime date = ZonedDateTime.now();
        Corpus corpus = Corpus.load(options.corpus());
        List<String> languages = options.languages().isEmpty() ? corpus.languages()
                : options.languages().stream().map(code -> corpus.language(code).code()).distinct().toList();
        List<LanguageResult> results = new ArrayList<>();
        Map<DrafterColumn, Loaded> general = new EnumMap<>(DrafterColumn.class);
        try (Backend backend = Backends.create(options.backend());
             Loaded target = open(targetPath, backend, null)) {
            for (DrafterColumn column : DrafterColumn.values()) {
                if (column.general()) {
                    family.drafter(column, DrafterColumn.GENERAL_SCOPE).ifPresent(p -> general.put(column, open(p, backend, target)));
                }
            }
            for (String language : languages) {
                results.add(evaluate(language, corpus, family, backend, target, general));
            }
        } finally {
            general.values().forEach(Loaded::close);
        }
        return new AlignmentReport(options, command, date, machine + ", backend " + options.backend(), results);
    }

    private LanguageResult evaluate(String language, Corpus corpus, ModelFamily family, Backend backend,
                                    Loaded target, Map<DrafterColumn, Loaded> general) {
        Tokenizer tokenizer = target.file().tokenizer();
        int bos = tokenizer.bosId();
        int[] heldOut = tokenizer.encode(corpus.heldOutText(language));
        PromptSet prompts = PromptSet.cut(language, heldOut, bos, options.promptsPerLanguage(), options.promptTokens());
        progress.accept(language + ": " + heldOut.length + " held-out tokens, " + prompts.prompts().size()
                + " prompts (digest " + prompts.digest() + ")");
        Map<DrafterColumn, Loaded> drafters = new EnumMap<>(general);
        try {
            for (DrafterColumn column : DrafterColumn.values()) {
                if (!column.general()) {
                    family.drafter(column, language).ifPresent(p -> drafters.put(column, open(p, backend, target)));
                }
            }
            List<int[]> windows = perplexityWindows(heldOut, target, drafters);
            progress.accept(language + ": target perplexity on " + windows.size() + " windows");
            double targetPerplexity = Perplexity.of(target.model(), bos, windows);
            Map<DrafterColumn, AcceptanceStats> greedy = new EnumMap<>(DrafterColumn.class);
            Map<DrafterColumn, AcceptanceStats> sampled = new EnumMap<>(DrafterColumn.class);
            Map<DrafterColumn, Double> perplexity = new EnumMap<>(DrafterColumn.class);
            for (Map.Entry<DrafterColumn, Loaded> d : drafters.entrySet()) {
                String name = language + ": " + d.getKey().header() + " (" + d.getValue().file().path().getFileName() + ")";
                progress.accept(name + ": greedy and T=" + options.temperature() + " acceptance, perplexity");
                SpeculativeDecoder decoder = new SpeculativeDecoder(target.model(), d.getValue().model());
                greedy.put(d.getKey(), acceptance(decoder, prompts, true, tokenizer.eosId()));
                sampled.put(d.getKey(), acceptance(decoder, prompts, false, tokenizer.eosId()));
                perplexity.put(d.getKey(), Perplexity.of(d.getValue().model(), bos, windows));
            }
            Optional<SpeedComparison> speed = greedy.entrySet().stream()
                    .max(Comparator.comparingDouble((Map.Entry<DrafterColumn, AcceptanceStats> e) -> e.getValue().acceptanceRate())
                            .thenComparing(e -> -e.getKey().ordinal())) // ties: the first column
                    .filter(best -> !prompts.prompts().isEmpty())
                    .map(best -> {
                        progress.accept(language + ": speed, target-only vs " + best.getKey().header()
                                + " (" + options.speedRounds() + " interleaved rounds after a warm-up)");
                        return SpeedComparison.measure(best.getKey(), target.model(), drafters.get(best.getKey()).model(),
                                prompts.prompts(), options.maxTokens(), options.speedKs(), options.speedRounds(), tokenizer.eosId());
                    });
            return new LanguageResult(language, prompts.prompts().size(), prompts.digest(), greedy, sampled,
                    targetPerplexity, perplexity, speed);
        } finally {
            drafters.forEach((column, loaded) -> {
                if (!column.general()) {
                    loaded.close();
                }
            });
        }
    }

    private AcceptanceStats acceptance(SpeculativeDecoder decoder, PromptSet prompts, boolean greedy, int eos) {
        AcceptanceStats stats = AcceptanceStats.empty(prompts.digest());
        List<int[]> list = prompts.prompts();
        for (int i = 0; i < list.size(); i++) {
            SamplingParams params = greedy ? SamplingParams.greedy()
                    : SamplingParams.ofTemperature(options.temperature(), options.seed() + i);
            stats = stats.plus(decoder.generate(list.get(i), options.maxTokens(), options.k(), params, eos));
        }
        return stats;
    }

    /** Evenly spaced windows of at most {@link #MAX_PERPLEXITY_WINDOW} tokens, about --perplexity-tokens in all. */
    private List<int[]> perplexityWindows(int[] heldOut, Loaded target, Map<DrafterColumn, Loaded> drafters) {
        int context = target.model().config().contextLength();
        for (Loaded d : drafters.values()) {
            context = Math.min(context, d.model().config().contextLength());
        }
        int length = Math.min(MAX_PERPLEXITY_WINDOW, context);
        int count = Math.max(1, Math.min(heldOut.length, options.perplexityTokens()) / length);
        return TokenWindows.evenlySpaced(heldOut, count, length);
    }

    /** Opens and loads a model, checking a drafter against {@code target} (null for the target itself). */
    private Loaded open(Path path, Backend backend, Loaded target) {
        ModelFile file;
        try {
            file = ModelFile.open(path, null);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + e.getMessage(), e);
        }
        try {
            int context = file.config().contextLength();
            if (context < options.positionsNeeded()) {
                throw new IllegalArgumentException(path + ": context length " + context + " (expected: at least "
                        + options.positionsNeeded() + " for BOS, --prompt-tokens, --max-tokens and a block of --k + 1)");
            }
            if (target != null && !VocabularyFingerprint.of(file.tokenizer())
                    .equals(VocabularyFingerprint.of(target.file().tokenizer()))) {
                throw new IllegalArgumentException(path + ": vocabulary differs from the target's "
                        + target.file().path() + " (expected: drafters share the target's tokenizer)");
            }
            progress.accept("loading " + path);
            return new Loaded(file, file.load(backend));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
