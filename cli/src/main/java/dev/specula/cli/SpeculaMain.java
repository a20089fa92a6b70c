package dev.specula.cli;

import dev.specula.cli.alignment.AlignmentReportCommand;
import dev.specula.cli.train.TrainCommand;
import dev.specula.engine.ModelFormatException;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;

/** Entry point of {@code ./specula}: the engine's commands, the trainer's, and the mesh's. */
@Command(name = "specula", mixinStandardHelpOptions = true, version = "specula 0.1.0",
        description = "Distributed speculative decoding for LLM serving.",
        subcommands = {GenerateCommand.class, TokenizeCommand.class, BenchCommand.class, RandomModelCommand.class,
                WidenCommand.class, TrainCommand.class, ServeCommand.class, ClientCommand.class, DemoCommand.class,
                AlignmentReportCommand.class})
public final class SpeculaMain {

    public static void main(String[] args) {
        // One line per log record, on stderr, so stdout carries only a command's output.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    /** The whole command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SpeculaMain());
        cli.getSubcommands().get("bench").addSubcommand(new MeshBenchCommand());
        cli.getSubcommands().get("bench").addSubcommand(new TokenizerBenchCommand());
        cli.getSubcommands().get("bench").addSubcommand(new LoadBenchCommand());
        // Set after every subcommand is added: picocli applies it to the hierarchy as it is now.
        cli.setExecutionExceptionHandler(SpeculaMain::reportFailure);
        return cli;
    }

    /**
     * Bad input, bad files and gRPC errors from the mesh are reported in one line without a stack trace:
     * exit code 2 for input and files, 3 for the mesh's status and message.
     */
    private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof StatusRuntimeException s) {
            err.println("specula " + cli.getCommandName() + ": " + s.getStatus().getCode() + ": "
                    + s.getStatus().getDescription());
            err.flush();
            return 3;
        }
        if (e instanceof IllegalArgumentException || e instanceof ModelFormatException || e instanceof IOException) {
            err.println("specula " + cli.getCommandName() + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        throw new RuntimeException(e);
    }
}
