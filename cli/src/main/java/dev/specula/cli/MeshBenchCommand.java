package dev.specula.cli;

import dev.specula.engine.generate.GenerationResult;
import dev.specula.engine.generate.Generator;
import dev.specula.engine.kernel.Backend;
import dev.specula.engine.kernel.Backends;
import dev.specula.engine.model.ModelFile;
import dev.specula.engine.model.Transformer;
import dev.specula.engine.sample.SamplingParams;
import dev.specula.engine.spec.SpeculativeDecoder;
import dev.specula.engine.spec.SpeculativeResult;
import dev.specula.proto.v1.GenerateRequest;
import dev.specula.proto.v1.Speculation;
import dev.specula.proto.v1.SpeculationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code specula bench mesh}: in one run, on the same prompts and models, greedy tokens/s of (a) the target
 * alone, (b) speculative decoding in one process without gRPC, (c) the mesh over loopback TCP with draft-ahead
 * off and on, for fixed k = 1..max-k and the adaptive setting.
 */
@Command(name = "mesh", mixinStandardHelpOptions = true,
        description = "Target-only vs in-process speculative vs the mesh over loopback (draft-ahead off/on, k = 1..8, auto).")
final class MeshBenchCommand implements Callable<Integer> {

    @Option(names = "--max-tokens", defaultValue = "128", description = "Tokens per prompt (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-k", defaultValue = "8", description = "Largest fixed draft length (default: ${DEFAULT-VALUE}).")
    int maxK;

    @Option(names = "--drafter", defaultValue = "general", paramLabel = "SCOPE",
            description = "Which of the family's drafters: general, or a language with a specialised one (en, de, ...)"
                    + " (default: ${DEFAULT-VALUE}).")
    String drafterScope;

    @Option(names = "--target", description = "Another target model (GGUF or llama2.c .bin) instead of the family's.")
    Path target;

    @Option(names = "--target-tokenizer", description = "Its llama2.c tokenizer, for a .bin target.")
    Path targetTokenizer;

    @Option(names = "--draft-model", description = "The drafter for --target (it must share its vocabulary).")
    Path draftModel;

    @Option(names = "--processes", description = "Run the mesh's services as separate processes.")
    boolean processes;

    private record Row(String name, long tokens, double seconds) {
        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0 || maxK < 1 || maxK > 16) {
            throw new IllegalArgumentException("--max-tokens/--max-k: " + maxTokens + "/" + maxK
                    + " (expected: > 0 and 1..16)");
        }
        if ((target == null) != (draftModel == null)) {
            throw new IllegalArgumentException("--target/--draft-model: give both or neither");
        }
        DefaultModels models = target == null ? DefaultModels.find()
                : new DefaultModels(target, targetTokenizer, draftModel, Map.of(), List.of());
        Path draftPath = drafterScope.equals("general") ? models.generalDrafter()
                : models.languageDrafters().get(drafterScope);
        if (draftPath == null) {
            throw new IllegalArgumentException("--drafter: " + drafterScope + " (expected: general or one of "
                    + models.languageDrafters().keySet() + ")");
        }
        String drafter = MeshConfigs.modelId(draftPath);
        List<String> prompts = DemoPrompts.ALL.stream().map(DemoPrompts.Prompt::text).toList();
        List<Row> inProcess = new ArrayList<>();
        Row targetOnly;
        try (Backend backend = Backends.create("vector");
             ModelFile targetFile = ModelFile.open(models.target(), models.targetTokenizer());
             ModelFile draftFile = ModelFile.open(draftPath, null)) {
            Transformer targetModel = targetFile.load(backend);
            Transformer draft = draftFile.load(backend);
            Generator generator = new Generator(targetModel, targetFile.tokenizer());
            // The same stops as target-only generation: EOS, and BOS (a new document).
            int[] stops = {targetFile.tokenizer().eosId(), targetFile.tokenizer().bosId()};
            System.err.println("bench mesh: warming up in-process ...");
            for (int r = 0; r < 3; r++) {
                runTargetOnly(generator, prompts);
                runInProcess(targetModel, draft, generator, prompts, 4, stops);
            }
            System.err.println("bench mesh: (a) target only, (b) in-process speculative ...");
            targetOnly = runTargetOnly(generator, prompts);
            for (int k = 1; k <= maxK; k++) {
                inProcess.add(runInProcess(targetModel, draft, generator, prompts, k, stops));
            }
        }
        List<Row> meshOff = new ArrayList<>();
        List<Row> meshOn = new ArrayList<>();
        Row meshAuto;
        Row meshPlain;
        LocalMesh.Mode mode = processes ? LocalMesh.Mode.PROCESSES : LocalMesh.Mode.ONE_JVM;
        try (LocalMesh mesh = LocalMesh.startInTempDir(models, 0, mode,
                step -> System.err.println("bench mesh: " + step));
             MeshClient client = new MeshClient(mesh.routerTarget())) {
            System.err.println("bench mesh: warming up the mesh ...");
            for (int r = 0; r < 3; r++) {
                runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, 4, true);
                runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, 4, false);
            }
            System.err.println("bench mesh: (c) the mesh over loopback ...");
            meshPlain = runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_OFF, 0, false);
            for (int k = 1; k <= maxK; k++) {
                meshOff.add(runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, k, false));
                meshOn.add(runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_FIXED, k, true));
            }
            meshAuto = runMesh(client, prompts, drafter, SpeculationMode.SPECULATION_MODE_AUTO, 0, true);
        }
        System.out.printf("%d prompts x %d tokens, greedy, drafter %s; ratios against (a) target-only in-process%n",
                prompts.size(), maxTokens, drafter);
        System.out.printf("(a) target only, in-process      %9.1f tok/s%n", targetOnly.tokensPerSecond());
        System.out.printf("    target only, through the mesh %9.1f tok/s  %5.2fx%n", meshPlain.tokensPerSecond(),
                meshPlain.tokensPerSecond() / targetOnly.tokensPerSecond());
        System.out.printf("%-4s %12s %8s %14s %8s %14s %8s %10s%n", "k", "(b) in-proc", "vs (a)", "(c) mesh, no DA",
                "vs (a)", "(c) mesh, DA", "vs (a)", "DA vs (b)");
        for (int k = 1; k <= maxK; k++) {
            Row b = inProcess.get(k - 1);
            Row off = meshOff.get(k - 1);
            Row on = meshOn.get(k - 1);
            double a = targetOnly.tokensPerSecond();
            System.out.printf("%-4d %12.1f %7.2fx %14.1f %7.2fx %14.1f %7.2fx %9.2fx%n", k, b.tokensPerSecond(),
                    b.tokensPerSecond() / a, off.tokensPerSecond(), off.tokensPerSecond() / a, on.tokensPerSecond(),
                    on.tokensPerSecond() / a, on.tokensPerSecond() / b.tokensPerSecond());
        }
        System.out.printf("auto %12s %8s %14s %8s %14.1f %7.2fx%n", "", "", "", "", meshAuto.tokensPerSecond(),
                meshAuto.tokensPerSecond() / targetOnly.tokensPerSecond());
        return 0;
    }

    private Row runTargetOnly(Generator generator, List<String> prompts) {
        long tokens = 0;
        long start = System.nanoTime();
        for (String prompt : prompts) {
            GenerationResult r = generator.generate(prompt, maxTokens, SamplingParams.greedy(), (t, d) -> { });
            tokens += r.tokens().length;
        }
        return new Row("target", tokens, (System.nanoTime() - start) / 1e9);
    }

    private Row runInProcess(Transformer target, Transformer draft, Generator generator, List<String> prompts, int k,
                             int[] stops) {
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, draft);
        long tokens = 0;
        long start = System.nanoTime();
        for (String prompt : prompts) {
            SpeculativeResult r = decoder.generate(generator.promptTokens(prompt), maxTokens, k,
                    SamplingParams.greedy(), stops);
            tokens += r.tokens().length;
        }
        return new Row("in-process k=" + k, tokens, (System.nanoTime() - start) / 1e9);
    }

    private Row runMesh(MeshClient client, List<String> prompts, String drafter, SpeculationMode mode, int k,
                        boolean draftAhead) {
        long tokens = 0;
        long start = System.nanoTime();
        for (String prompt : prompts) {
            Speculation.Builder speculation = Speculation.newBuilder().setMode(mode).setDraftAhead(draftAhead);
            if (k > 0) {
                speculation.setDraftLength(k).setMaxDraftLength(Math.max(k, 8));
            }
            GenerateRequest request = GenerateRequest.newBuilder().setPrompt(prompt).setMaxTokens(maxTokens)
                    .setDrafter(drafter).setSpeculation(speculation).build();
            tokens += client.generate(request).summary().getCompletionTokens();
        }
        return new Row("mesh", tokens, (System.nanoTime() - start) / 1e9);
    }
}
