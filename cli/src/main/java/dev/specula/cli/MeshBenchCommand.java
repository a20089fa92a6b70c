package dev.specula.cli;

import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.spec.SpeculativeDecoder;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/**
 * {@code specula bench mesh}: greedy tokens/s of the target alone and of speculative decoding, in one process and
 * through the mesh over loopback TCP, on the demo prompts. Every setting runs {@code --repeats} times, the settings
 * interleaved (A B C D A B C D ...) so that a slow spell of a shared machine falls on all of them; each speculative
 * setting's ratio is taken against its target-only setting of the same round.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true,
        description = {"Target-only vs speculative, in one process and through the mesh over loopback, repeated and",
                "interleaved; min / median / max of tokens/s and of the speedups. Runs the widened family target",
                "by default (" + DefaultModels.WIDENED_TARGET_NOTE + ")."})
final class MeshBenchCommand implements Callable<Integer> {

    @Option(names = "--max-tokens", defaultValue = "32", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--k", split = ",", defaultValue = "1", paramLabel = "K[,K...]",
            description = "Fixed draft lengths to measure (default: ${DEFAULT-VALUE}).")
    int[] draftLengths;

    @Option(names = "--repeats", defaultValue = "3", description = "Rounds over every setting (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--no-draft-ahead-too", description = "Also measure the mesh with draft-ahead off.")
    boolean noDraftAheadToo;

    @Option(names = "--auto-too", description = "Also measure the mesh's adaptive draft length (auto, draft-ahead on).")
    boolean autoToo;

    @Option(names = "--drafter", defaultValue = "general", paramLabel = "SCOPE",
            description = "Which of the family's drafters: general, or a language with a specialised one (en, de, ...)"
                    + " (default: ${DEFAULT-VALUE}).")
    String drafterScope;

    @Option(names = "--plain-target", description = "Run the family target itself instead of its widening.")
    boolean plainTarget;

    @Option(names = "--target", description = "Another target model (GGUF or llama2.c .bin) instead of the family's.")
    Path target;

    @Option(names = "--target-tokenizer", description = "Its llama2.c tokenizer, for a .bin target.")
    Path targetTokenizer;

    @Option(names = "--draft-model", description = "The drafter for --target (it must share its vocabulary).")
    Path draftModel;

    @Option(names = "--in-process-only", description = "Measure in one process only: no mesh is started.")
    boolean inProcessOnly;

    @Option(names = "--processes", description = "Run the mesh's services as separate processes.")
    boolean processes;

    /** What one pass over the prompts did: tokens, time, and each prompt's completion tokens. */
    private record Run(long tokens, double seconds, List<List<Integer>> outputs) {
        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    /**
     * One measured setting.
     *
     * @param name     its row label
     * @param baseline the index of the setting its ratio is taken against; its own index for a baseline
     * @param run      one pass over the prompts at the given tokens per prompt
     */
    private record Setting(String name, int baseline, IntFunction<Run> run) {
    }

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0 || repeats < 1 || draftLengths.length == 0
                || Arrays.stream(draftLengths).anyMatch(k -> k < 1 || k > 16)) {
            throw new IllegalArgumentException("--max-tokens/--repeats/--k: " + maxTokens + "/" + repeats + "/"
                    + Arrays.toString(draftLengths) + " (expected: > 0, > 0, each 1..16)");
        }
        if ((target == null) != (draftModel == null)) {
            throw new IllegalArgumentException("--target/--draft-model: give both or neither");
        }
        DefaultModels models = target != null ? new DefaultModels(target, targetTokenizer, draftModel, Map.of(), List.of())
                : plainTarget ? DefaultModels.find()
                : DefaultModels.find().withWidenedTarget(step -> System.err.println("bench mesh: " + step));
        Path draftPath = drafterScope.equals("general") ? models.generalDrafter()
                : models.languageDrafters().get(drafterScope);
        if (draftPath == null) {
            throw new IllegalArgumentException("--drafter: " + drafterScope + " (expected: general or one of "
                    + models.languageDrafters().keySet() + ")");
        }
        String drafter = MeshConfigs.modelId(draftPath);
        List<String> prompts = DemoPrompts.ALL.stream().map(DemoPrompts.Prompt::text).toList();
        LocalMesh.Mode mode = processes ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM;
        try (Backend backend = Backends.create("vector");
             ModelFile targetFile = ModelFile.open(models.target(), models.targetTokenizer());
             ModelFile draftFile = ModelFile.open(draftPath, null);
             LocalMesh mesh = inProcessOnly ? null
                     : LocalMesh.startInTempDir(models, 0, mode, step -> System.err.println("bench mesh: " + step));
             MeshClient client = inProcessOnly ? null : new MeshClient(mesh.routerTarget())) {
            Transformer targetModel = targetFile.load(backend);
            Transformer draft = draftFile.load(backend);
            Generator generator = new Generator(targetModel, targetFile.tokenizer());
            // The same stops as target-only generation: EOS, and BOS (a new document).
            int[] stops = {targetFile.tokenizer().eosId(), targetFile.tokenizer().bosId()};
            List<Setting> settings = new ArrayList<>();
            settings.add(new Setting("target only, in process", 0, n -> targetOnly(generator, prompts, n)));
            for (int k : draftLengths) {
                settings.add(new Setting("speculative k=" + k + ", in process", 0,
                        n -> inProcess(targetModel, draft, generator, prompts, k, stops, n)));
            }
            int meshBase = settings.size();
            List<Setting> meshSettings = new ArrayList<>();
            meshSettings.add(new Setting("target only, mesh", meshBase,
                    n -> mesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_OFF, 0, false, n)));
            for (int k : draftLengths) {
                meshSettings.add(new Setting("speculative k=" + k + ", mesh, draft-ahead", meshBase,
                        n -> mesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, k, true, n)));
                if (noDraftAheadToo) {
                    meshSettings.add(new Setting("speculative k=" + k + ", mesh, no draft-ahead", meshBase,
                            n -> mesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, k, false, n)));
                }
            }
            if (autoToo) {
                meshSettings.add(new Setting("adaptive k, mesh, draft-ahead", meshBase,
                        n -> mesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_AUTO, 0, true, n)));
            }
            if (!inProcessOnly) {
                settings.addAll(meshSettings);
            }
            System.out.printf("target %s%s; drafter %s; %d prompts x %d tokens, greedy, %d rounds (settings"
                            + " interleaved)%n", models.target().getFileName(),
                    target == null && !plainTarget ? " (" + DefaultModels.WIDENED_TARGET_NOTE + ")" : "", drafter,
                    prompts.size(), maxTokens, repeats);
            measure(settings);
        }
        return 0;
    }

    /** A short untimed round (JIT warm-up), then {@link #repeats} timed rounds over every setting; prints the table. */
    private void measure(List<Setting> settings) {
        System.err.println("bench mesh: warming up (every setting once, 8 tokens per prompt, untimed) ...");
        settings.forEach(s -> s.run().apply(Math.min(8, maxTokens)));
        List<List<Double>> tokensPerSecond = new ArrayList<>();
        settings.forEach(s -> tokensPerSecond.add(new ArrayList<>()));
        List<String> differing = new ArrayList<>();
        List<List<List<Integer>>> reference = new ArrayList<>(); // per setting: its baseline's first outputs
        for (int round = 1; round <= repeats; round++) {
            for (int i = 0; i < settings.size(); i++) {
                Setting setting = settings.get(i);
                Run run = setting.run().apply(maxTokens);
                tokensPerSecond.get(i).add(run.tokensPerSecond());
                if (reference.size() <= i) {
                    reference.add(i == setting.baseline() ? run.outputs() : reference.get(setting.baseline()));
                }
                if (!run.outputs().equals(reference.get(i)) && !differing.contains(setting.name())) {
                    differing.add(setting.name());
                }
                System.err.printf("bench mesh: round %d/%d, %s: %.1f tok/s (%d tokens in %.1f s)%n", round, repeats,
                        setting.name(), run.tokensPerSecond(), run.tokens(), run.seconds());
            }
        }
        System.out.printf("%-40s %-22s %-26s %s%n", "setting", "tok/s min/med/max", "ratio min/med/max", "against");
        for (int i = 0; i < settings.size(); i++) {
            Setting s = settings.get(i);
            List<Double> own = tokensPerSecond.get(i);
            String ratio = i == s.baseline() ? "" : Spread.of(Spread.ratios(own, tokensPerSecond.get(s.baseline())))
                    .format("%.2fx");
            System.out.printf("%-40s %-22s %-26s %s%n", s.name(), Spread.of(own).format("%.1f"), ratio,
                    i == s.baseline() ? "(baseline)" : settings.get(s.baseline()).name());
        }
        System.out.println("""
                tok/s: completion tokens per second over all prompts, one value per round. ratio: a setting's tok/s \
                over its baseline's in the same round (paired), so a slow spell of the machine cancels out. \
                mesh: router, verifier and drafter over loopback TCP; draft-ahead: the drafter drafts the next \
                block while the verifier checks the current one.""");
        System.out.println(differing.isEmpty() ? "outputs: every run identical to its target-only baseline"
                : "outputs: DIFFER from target-only in " + differing);
    }

    private Run targetOnly(Generator generator, List<String> prompts, int tokensPerPrompt) {
        List<List<Integer>> outputs = new ArrayList<>();
        long start = System.nanoTime();
        for (String prompt : prompts) {
            outputs.add(boxed(generator.generate(prompt, tokensPerPrompt, SamplingParams.greedy(), (t, d) -> { })
                    .tokens()));
        }
        return run(outputs, start);
    }

    private Run inProcess(Transformer target, Transformer draft, Generator generator, List<String> prompts, int k,
                          int[] stops, int tokensPerPrompt) {
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft);
        List<List<Integer>> outputs = new ArrayList<>();
        long start = System.nanoTime();
        for (String prompt : prompts) {
            outputs.add(boxed(decoder.generate(generator.promptTokens(prompt), tokensPerPrompt, k,
                    SamplingParams.greedy(), stops).tokens()));
        }
        return run(outputs, start);
    }

    private Run mesh(MeshClient client, List<String> prompts, String drafter, SpeculationMode mode, int k,
                     boolean draftAhead, int tokensPerPrompt) {
        List<List<Integer>> outputs = new ArrayList<>();
        long start = System.nanoTime();
        for (String prompt : prompts) {
            Speculation.Builder speculation = Speculation.newBuilder().setMode(mode).setDraftAhead(draftAhead);
            if (k > 0) {
                speculation.setDraftLength(k).setMaxDraftLength(Math.max(k, 8));
            }
            GenerateRequest request = GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(tokensPerPrompt)
                    .setDrafter(drafter).setSpeculation(speculation).build();
            outputs.add(client.generate(request).tokenIds());
        }
        return run(outputs, start);
    }

    private static Run run(List<List<Integer>> outputs, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new Run(outputs.stream().mapToLong(List::size).sum(), seconds, outputs);
    }

    private static List<Integer> boxed(int[] tokens) {
        return Arrays.stream(tokens).boxed().toList();
    }
}
