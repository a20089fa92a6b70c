package dev.specula.cli.train;

import picocli.CommandLine.Command;

/** {@code specula train}: the parent of the training commands. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train Specula's models: a BPE tokenizer, a target by pretraining, drafters by distillation.",
        subcommands = {TrainTokenizerCommand.class, PretrainCommand.class, DistillCommand.class, ExportCommand.class})
public final class TrainCommand {
}
