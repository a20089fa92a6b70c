package dev.specula.cli.alignment;

import dev.specula.train.loop.DistillationObjective;
import dev.specula.engine.kernel.RopeStyle;
import dev.specula.engine.model.LlamaConfig;
import dev.specula.engine.model.RandomModelWriter;
import dev.specula.engine.tensor.GgmlType;
import dev.specula.engine.tokenizer.Gpt2BpeTokenizer;
import dev.specula.train.tokenizer.BpeTrainer;
import dev.specula.train.tokenizer.BpeTrainerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny model family and corpus for tests, written to a folder: a byte-level BPE tokenizer trained on the
 * corpus; a random target; {@code general-kl} an exact copy of it; {@code general-tvd} and {@code en-kl} other
 * random models; no {@code tvd} specialised drafter and no {@code de} drafter. The corpus has {@code en} and
 * {@code de}, with held-out documents of the default split (guide sections ch01s02.html and ch04s05.html).
 */
final class TinyFamily {

    private static final List<String> EN = List.of("The installer asks a few questions, then installs the base system.",
            "Partition the disk before you install the boot loader.", "The network is configured with DHCP by default.",
            "Choose a mirror close to you to download packages faster.", "Reboot the machine to start the new system.");
    private static final List<String> DE = List.of("Der Installer stellt einige Fragen und installiert das Grundsystem.",
            "Partitionieren Sie die Platte, bevor Sie den Bootloader installieren.",
            "Das Netzwerk wird standardmäßig per DHCP eingerichtet.", "Wählen Sie einen Spiegel in Ihrer Nähe.",
            "Starten Sie den Rechner neu, um das neue System zu starten.");

    private TinyFamily() {
    }

    /** Writes the corpus under {@code root}/corpus and the models under {@code root}/models; returns the tokenizer. */
    static Gpt2BpeTokenizer write(Path root) throws IOException {
        List<String> all = new ArrayList<>();
        all.addAll(guide(root, "en", EN));
        all.addAll(guide(root, "de", DE));
        write(root.resolve("corpus/debian-reference/en.txt"), "Reference\n\nChapter 1. One\n    " + EN.getFirst() + "\n");
        write(root.resolve("corpus/debian-reference/de.txt"), "Referenz\n\nKapitel 1. Eins\n    " + DE.getFirst() + "\n");
        Gpt2BpeTokenizer tokenizer = new BpeTrainer(BpeTrainerConfig.builder().vocabSize(384).minFrequency(1).build())
                .train(all);
        LlamaConfig config = new LlamaConfig("llama", 32, 64, 2, 4, 2, 8, tokenizer.vocabSize(), 96, 10000f, 1e-5f,
                RopeStyle.INTERLEAVED);
        Path models = Files.createDirectories(root.resolve("models"));
        ModelFamily family = new ModelFamily(models);
        RandomModelWriter.write(family.target(), config, GgmlType.F32, false, tokenizer, 1);
        Files.copy(family.target(), family.drafter("general", DistillationObjective.Method.KL));
        RandomModelWriter.write(family.drafter("general", DistillationObjective.Method.TVD), config, GgmlType.F32, false, tokenizer, 2);
        RandomModelWriter.write(family.drafter("en", DistillationObjective.Method.KL), config, GgmlType.F32, false, tokenizer, 3);
        return tokenizer;
    }

    /** A guide file whose held-out sections (ch01s02, ch04s05) and training section (ch01s01) rotate the sentences. */
    private static List<String> guide(Path root, String lang, List<String> sentences) throws IOException {
        StringBuilder tsv = new StringBuilder();
        List<String> lines = new ArrayList<>();
        String[] sections = {"ch01s01.html", "ch01s02.html", "ch04s05.html"};
        for (int s = 0; s < sections.length; s++) {
            for (int i = 0; i < 3 * sentences.size(); i++) {
                String line = sentences.get((i + s) % sentences.size()) + " " + (i + 1);
                tsv.append(sections[s]).append('\t').append(line).append('\n');
                lines.add(line);
            }
        }
        write(root.resolve("corpus/installation-guide/" + lang + ".tsv"), tsv.toString());
        return lines;
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
